// sign_dynamodb on a 4.5 KB body against the baseline it cannot beat: one SHA-256 of that body.
// The ratio says what signing costs on top of hashing the payload, which SigV4 always requires.

#include <dynasio/detail/crypto.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace {

using clock_type = std::chrono::steady_clock;

// Runs `op` in growing batches until about `budget` has passed; returns nanoseconds per call.
template <class Op>
double time_per_op(Op op, std::chrono::milliseconds budget = std::chrono::milliseconds(1000)) {
  for (int i = 0; i < 1000; ++i) op();  // warm caches and the signer's key
  long long calls = 0;
  const auto start = clock_type::now();
  auto elapsed = clock_type::duration::zero();
  for (long long batch = 1000; elapsed < budget && calls < 100'000'000; batch *= 2) {
    for (long long i = 0; i < batch; ++i) op();
    calls += batch;
    elapsed = clock_type::now() - start;
  }
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(calls);
}

}  // namespace

int main() {
  std::string body = R"({"TableName":"orders","Item":{"id":{"S":"order-000001"},"payload":{"S":")";
  while (body.size() < 4500 - 4) body += static_cast<char>('a' + body.size() % 26);
  body += "\"}}}";
  const dynasio::credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};
  dynasio::sigv4::signer signer("us-east-1", "dynamodb");

  volatile unsigned sink = 0;  // keeps the work from being optimised away
  const double sha = time_per_op([&] { sink = sink + dynasio::detail::sha256(body)[0]; });
  const double sign = time_per_op([&] {
    const std::string a = signer.sign_dynamodb(creds, "dynamodb.us-east-1.amazonaws.com", "20250101T000000Z",
                                               "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0", body);
    sink = sink + static_cast<unsigned char>(a.back());
  });
  std::printf("body: %zu bytes\n", body.size());
  std::printf("sha256(body):   %9.1f ns/op\n", sha);
  std::printf("sign_dynamodb:  %9.1f ns/op\n", sign);
  std::printf("ratio sign/sha: %9.2f\n", sign / sha);
  std::printf("key derivations: %llu\n", static_cast<unsigned long long>(signer.key_derivations()));
  return 0;
}
