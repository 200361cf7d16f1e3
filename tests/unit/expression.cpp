#include <dynasio/expression.hpp>

#include <doctest/doctest.h>

using namespace dynasio;

TEST_CASE("expressions render with generated placeholders for every name and value") {
  std::map<std::string, std::string> names;
  item values;
  auto text = detail::render(key_name("pk") == "a" && key_name("sk").begins_with("2024-"), names, values);
  CHECK(text == "(#dn0 = :dv0 AND begins_with(#dn1, :dv1))");
  CHECK(names == std::map<std::string, std::string>{{"#dn0", "pk"}, {"#dn1", "sk"}});
  CHECK(values.at(":dv0") == attribute_value("a"));
  CHECK(values.at(":dv1") == attribute_value("2024-"));
}

TEST_CASE("conditions combine with and, or, not, between and existence") {
  std::map<std::string, std::string> names{{"#mine", "x"}};
  item values{{":mine", 1}};
  auto c = !(attr("status") == "cancelled") || (attr("qty").between(1, 10) && attribute_not_exists(attr("status")));
  auto text = detail::render(c, names, values);
  // The same attribute reuses its placeholder; user placeholders are kept.
  CHECK(text == "((NOT #dn1 = :dv1) OR (#dn2 BETWEEN :dv2 AND :dv3 AND attribute_not_exists(#dn1)))");
  CHECK(names.at("#mine") == "x");
  CHECK(names.at("#dn1") == "status");
  CHECK(values.at(":dv2") == attribute_value(1));
  CHECK(values.at(":dv3") == attribute_value(10));
  CHECK(values.size() == 4);
  CHECK(detail::render(attr("a") != 1 && attr("b") < 2 && attr("c") <= 3 && attr("d") > 4 && attr("e") >= 5 &&
                           attribute_exists(attr("f")),
                       names, values)
            .find("<> ") != std::string::npos);
}
