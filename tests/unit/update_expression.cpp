#include <dynasio/detail/protocol/request_writer.hpp>
#include <dynasio/detail/protocol/write_fields.hpp>
#include <dynasio/error.hpp>
#include <dynasio/update_expression.hpp>

#include <doctest/doctest.h>

using namespace dynasio;

TEST_CASE("update_expression renders every clause with generated placeholders") {
  std::map<std::string, std::string> names;
  item values;
  auto u = update_expression()
               .set(attr("qty"), attr("qty") + 1)
               .remove(attr("tmp"))
               .set(attr("n"), if_not_exists(attr("n"), 0))
               .add(attr("tags"), string_set{"a"})
               .set(attr("log"), list_append(attr("log"), list{"x"}))
               .remove_from_set(attr("old"), number_set{1, 2})
               .set(attr("address").field("city"), "Paris")
               .remove(attr("items")[3]);
  CHECK(detail::render(u, names, values) ==
        "SET #dn0 = #dn0 + :dv0, #dn1 = if_not_exists(#dn1, :dv1), #dn2 = list_append(#dn2, :dv2), #dn3.#dn4 = :dv3 "
        "REMOVE #dn5, #dn6[3] ADD #dn7 :dv4 DELETE #dn8 :dv5");
  CHECK(names.at("#dn3") == "address");
  CHECK(names.at("#dn4") == "city");
  CHECK(values.at(":dv0") == attribute_value(1));
  CHECK(values.at(":dv3") == attribute_value("Paris"));
  CHECK(values.size() == 6);
}

TEST_CASE("update and condition placeholders of one request never collide") {
  update_options o;
  o.update = update_expression().set(attr("status"), "shipped").set(attr("qty"), attr("qty") - 1);
  o.condition = attr("status") == "paid" && attr("qty") > 0;
  // The user's own placeholders, spelled like generated ones (and used: DynamoDB refuses unused ones).
  o.condition_expression = "#dn0 <> :dv0";
  o.expression_attribute_names = {{"#dn0", "mine"}};
  o.expression_attribute_values = {{":dv0", 7}};
  detail::request_writer w;
  detail::write_update_fields(w, o, "update_item");
  std::string body = w.finish();
  CHECK(body.find(R"("UpdateExpression":"SET #dn1 = :dv1, #dn2 = #dn2 - :dv2")") != std::string::npos);
  CHECK(body.find(R"x((#dn1 = :dv3 AND #dn2 > :dv4))x") != std::string::npos);
  CHECK(body.find("#dn0 <> :dv0") != std::string::npos);
  CHECK(body.find(R"("#dn0":"mine")") != std::string::npos);
  CHECK(body.find(R"(":dv0":{"N":"7"})") != std::string::npos);
}

TEST_CASE("update_expression refuses what DynamoDB would refuse, naming the path") {
  CHECK_THROWS_WITH_AS(update_expression().add(attr("qty"), "one"),
                       doctest::Contains("the value for 'qty' must be a number or a set"), error);
  CHECK_THROWS_WITH_AS(update_expression().remove_from_set(attr("a").field("b"), 3),
                       doctest::Contains("'a.b' must be a set"), error);
  CHECK_THROWS_WITH_AS(update_expression().set(attr("a"), 1).remove(attr("a").field("b")),
                       doctest::Contains("the paths 'a' and 'a.b' overlap"), error);
  update_options both;
  both.update = update_expression().set(attr("a"), 1);
  both.update_expression = "SET b = :b";
  detail::request_writer w;
  CHECK_THROWS_WITH_AS(detail::write_update_fields(w, both, "update_item"), doctest::Contains("not both"), error);
  update_options none;
  CHECK_THROWS_WITH_AS(detail::write_update_fields(w, none, "update_item"),
                       doctest::Contains("update (or update_expression) is required"), error);
}
