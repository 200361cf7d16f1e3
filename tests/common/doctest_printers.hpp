// doctest prints dynasio's values in failed checks (instead of "{?}"), in DynamoDB's JSON form:
// {"S":"abc"}, {"N":"12"}, {"M":{"k":{"BOOL":true}}}. Part of the tests' precompiled header,
// so every test TU sees these before its first CHECK.
#ifndef DYNASIO_TESTS_COMMON_DOCTEST_PRINTERS_HPP
#define DYNASIO_TESTS_COMMON_DOCTEST_PRINTERS_HPP

#include <dynasio/attribute_value.hpp>

#include <doctest/doctest.h>

#include <string>

namespace dynasio::test {

// Never throws on content: bytes that are not printable ASCII are escaped as \u00XX or \xXX.
std::string show(const attribute_value& value);
std::string show(const item& value);  // also a key: dynasio::key is dynasio::item
std::string show(const list& value);

}  // namespace dynasio::test

namespace doctest {

template <>
struct StringMaker<dynasio::attribute_value> {
  static String convert(const dynasio::attribute_value& value);
};
template <>
struct StringMaker<dynasio::item> {
  static String convert(const dynasio::item& value);
};
template <>
struct StringMaker<dynasio::list> {
  static String convert(const dynasio::list& value);
};

}  // namespace doctest

#endif
