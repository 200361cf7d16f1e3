// `dynasio sign` (also installed as `dynasio-sigv4`): signs one raw HTTP request with SigV4
// and prints one of the results, byte for byte as the AWS test suite's files of the same name
// hold them.
//
//   dynasio sign --request FILE --region R --service S --time 20150830T123600Z
//                --access-key ID --secret-key SECRET [--session-token T]
//                [--unsigned-session-token] [--no-normalize-path] [--no-encode-path]
//                [--sign-body] [--sreq-style classic|crt] --print creq|sts|authz|sreq
//
// FILE is the `.req` format: request line, headers (folded lines allowed), empty line, body;
// "-" reads standard input. Exit status: 0 signed, 1 signing failed, 2 bad arguments.

#include <dynasio/error.hpp>
#include <dynasio/sigv4/detail/request_text.hpp>
#include <dynasio/sigv4/signer.hpp>

#include "commands.hpp"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace dynasio::cli {
namespace {

void print_usage(std::string_view program, std::FILE* out) {
  const int n = static_cast<int>(program.size());
  const std::string pad(program.size(), ' ');
  std::fprintf(out,
               "usage: %.*s --request FILE --region R --service S --time YYYYMMDDTHHMMSSZ\n"
               "       %s --access-key ID --secret-key SECRET [--session-token T]\n"
               "       %s [--unsigned-session-token] [--no-normalize-path] [--no-encode-path]\n"
               "       %s [--sign-body] [--sreq-style classic|crt] --print creq|sts|authz|sreq\n\n"
               "Signs the raw HTTP request in FILE (the AWS SigV4 test suite's .req format; - reads\n"
               "stdin) and prints the canonical request, string to sign, Authorization header or\n"
               "signed request, to debug a SignatureDoesNotMatch.\n\n"
               "example:\n"
               "  %.*s --request get.req --region us-east-1 --service service \\\n"
               "      --time 20150830T123600Z --access-key AKIDEXAMPLE \\\n"
               "      --secret-key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY --print creq\n",
               n, program.data(), pad.c_str(), pad.c_str(), pad.c_str(), n, program.data());
}

int fail_usage(std::string_view program, const std::string& why) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), why.c_str());
  print_usage(program, stderr);
  return 2;
}

bool read_file(const std::string& path, std::string& out) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool ok = std::ferror(f) == 0;
  if (f != stdin) std::fclose(f);
  return ok;
}

}  // namespace

int run_sign(std::string_view program, const std::vector<std::string>& words) {
  const std::map<std::string_view, bool> known = {{"--request", true},         {"--region", true},
                                                  {"--service", true},         {"--time", true},
                                                  {"--access-key", true},      {"--secret-key", true},
                                                  {"--session-token", true},   {"--print", true},
                                                  {"--sreq-style", true},      {"--no-normalize-path", false},
                                                  {"--no-encode-path", false}, {"--unsigned-session-token", false},
                                                  {"--sign-body", false},      {"--help", false}};
  std::map<std::string_view, std::string> args;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto it = known.find(words[i]);
    if (it == known.end()) return fail_usage(program, "unknown argument '" + words[i] + "'");
    if (it->second && i + 1 >= words.size()) return fail_usage(program, words[i] + " needs a value");
    args[it->first] = it->second ? words[++i] : "";
  }
  if (args.count("--help") != 0) {
    print_usage(program, stdout);
    return 0;
  }
  for (const char* required :
       {"--request", "--region", "--service", "--time", "--access-key", "--secret-key", "--print"})
    if (args.count(required) == 0) return fail_usage(program, std::string("missing ") + required);
  const std::string& print = args["--print"];
  if (print != "creq" && print != "sts" && print != "authz" && print != "sreq")
    return fail_usage(program, "--print takes creq, sts, authz or sreq");
  const std::string style = args.count("--sreq-style") ? args["--sreq-style"] : "classic";
  if (style != "classic" && style != "crt") return fail_usage(program, "--sreq-style takes classic or crt");

  std::string text;
  if (!read_file(args["--request"], text)) return fail_usage(program, "cannot read " + args["--request"]);
  try {
    const sigv4::http_request request = sigv4::detail::parse_request_text(text);
    const dynasio::credentials creds{args["--access-key"], args["--secret-key"], args["--session-token"]};
    sigv4::sign_options options;
    options.normalize_path = args.count("--no-normalize-path") == 0;
    options.uri_encode_path = args.count("--no-encode-path") == 0;
    options.sign_session_token = args.count("--unsigned-session-token") == 0;
    options.add_content_sha256 = args.count("--sign-body") != 0;
    sigv4::signer signer(args["--region"], args["--service"]);
    const sigv4::signing_result r = signer.sign(creds, request, args["--time"], options);
    std::string out;
    if (print == "creq") out = r.canonical_request;
    else if (print == "sts") out = r.string_to_sign;
    else if (print == "authz") out = r.authorization;
    else
      out = sigv4::detail::format_request_text(r.signed_request, style == "crt"
                                                                     ? sigv4::detail::request_text_style::crt
                                                                     : sigv4::detail::request_text_style::classic);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  } catch (const dynasio::error& e) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), e.what());
    return e.code() == dynasio::errc::invalid_argument ? 2 : 1;
  }
}

}  // namespace dynasio::cli
