// Builds and signs one request without a network: proves headers, link and OpenSSL are usable.
#include <dynasio.hpp>

#include <iostream>

#ifdef DYNASIO_CONSUMER_TWO_UNITS
int second_unit_item_size();
#else
inline int second_unit_item_size() { return 1; }
#endif

int main() {
  dynasio::sigv4::signer s("us-east-1", "dynamodb");
  dynasio::credentials c{"AKID", "SECRET", ""};
  std::string authz = s.sign_dynamodb(c, "localhost:8000", "20260101T000000Z", "DynamoDB_20120810.ListTables",
                                      "application/x-amz-json-1.0", "{}");
  dynasio::item it{{"id", "1"}, {"n", 2}};
  std::cout << (authz.starts_with("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request")
                    ? "signed"
                    : "bad signature")
            << ' ' << it.size() << '\n';
  return authz.starts_with("AWS4-HMAC-SHA256") && it.size() == 2 && second_unit_item_size() == 1 ? 0 : 1;
}
