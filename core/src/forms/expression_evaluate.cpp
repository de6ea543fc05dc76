// Evaluating a parsed forms expression against a scope: operators, step counting, and the
// helpers functions use to reach their arguments. One Evaluator per evaluate() call, so
// concurrent evaluations of one Expression share nothing mutable.
#include <cmath>

#include "forms/expression_ast.h"

namespace doorstep::forms {

Status Evaluator::charge(std::int64_t steps) {
  steps_ += steps;
  if (steps_ > impl_.limits.max_steps) {
    return make_error(ErrorDomain::input, ErrorCode::too_large,
                      "expression took more than " + std::to_string(impl_.limits.max_steps) +
                          " steps");
  }
  return {};
}

Result<Value> Evaluator::eval(const Node& node, int depth) {
  // The parser keeps trees within kHardMaxDepth; this only guards against a bug.
  if (depth > kHardMaxDepth) {
    return make_error(ErrorDomain::input, ErrorCode::internal, "expression tree too deep");
  }
  DOORSTEP_TRY(charge(1));
  switch (node.kind) {
    case Node::Kind::literal: return node.literal;
    case Node::Kind::field: return normalise(scope_.field(node.name));
    case Node::Kind::current: return normalise(scope_.current());
    case Node::Kind::parent: return Value{};
    case Node::Kind::negate: {
      auto v = eval(*node.kids[0], depth + 1);
      if (!v.ok()) return v;
      return number_value(-arith_number(v.value()));
    }
    case Node::Kind::chain: return eval_chain(node, depth);
    case Node::Kind::call: {
      Call call(*this, node, depth);
      auto v = node.function->fn(call);
      if (!v.ok()) return v;
      return normalise(std::move(v.value()));
    }
  }
  return make_error(ErrorDomain::input, ErrorCode::internal, "unknown expression node");
}

Result<Value> Evaluator::eval_chain(const Node& node, int depth) {
  BinaryOp first_op = node.ops.front();
  if (first_op == BinaryOp::or_ || first_op == BinaryOp::and_) {
    // Short-circuit: or stops at the first true, and at the first false.
    bool stop_on = first_op == BinaryOp::or_;
    for (const auto& kid : node.kids) {
      auto v = eval(*kid, depth + 1);
      if (!v.ok()) return v;
      if (to_boolean(v.value()) == stop_on) return Value(stop_on);
    }
    return Value(!stop_on);
  }
  auto first = eval(*node.kids[0], depth + 1);
  if (!first.ok()) return first;
  bool comparison = first_op != BinaryOp::add && first_op != BinaryOp::sub &&
                    first_op != BinaryOp::mul && first_op != BinaryOp::div &&
                    first_op != BinaryOp::mod;
  if (comparison) {
    // Left-associative, as XPath: a < b < c is (a < b) < c.
    Value acc = std::move(first.value());
    for (std::size_t i = 0; i < node.ops.size(); ++i) {
      auto rhs = eval(*node.kids[i + 1], depth + 1);
      if (!rhs.ok()) return rhs;
      acc = Value(compare(node.ops[i], acc, rhs.value()));
    }
    return acc;
  }
  double acc = arith_number(first.value());
  for (std::size_t i = 0; i < node.ops.size(); ++i) {
    auto rhs = eval(*node.kids[i + 1], depth + 1);
    if (!rhs.ok()) return rhs;
    double y = arith_number(rhs.value());
    switch (node.ops[i]) {
      case BinaryOp::add: acc += y; break;
      case BinaryOp::sub: acc -= y; break;
      case BinaryOp::mul: acc *= y; break;
      case BinaryOp::div: acc = y == 0 ? std::nan("") : acc / y; break;
      case BinaryOp::mod: acc = y == 0 ? std::nan("") : std::fmod(acc, y); break;
      default: break;
    }
  }
  return number_value(acc);
}

Result<Value> Call::arg(std::size_t i) { return ev_.eval(*node_.kids[i], depth_ + 1); }

Result<std::vector<Value>> Call::values(std::size_t i) {
  const Node& kid = *node_.kids[i];
  if (kid.kind != Node::Kind::field) {
    auto v = arg(i);
    if (!v.ok()) return v.error();
    return std::vector<Value>{std::move(v.value())};
  }
  DOORSTEP_TRY(ev_.charge(1));
  std::vector<Value> all = ev_.scope().field_all(kid.name);
  DOORSTEP_TRY(ev_.charge(static_cast<std::int64_t>(all.size())));
  for (auto& v : all) v = normalise(std::move(v));
  return all;
}

Status Call::charge(std::size_t units) {
  return ev_.charge(1 + static_cast<std::int64_t>(units / 64));
}

Error Call::too_much_text() const {
  return make_error(ErrorDomain::input, ErrorCode::too_large,
                    node_.name + "() would build more than " +
                        std::to_string(ev_.limits().max_text) + " bytes of text");
}

Result<Value> Call::text(std::string s) {
  if (s.size() > ev_.limits().max_text) return too_much_text();
  return Value(std::move(s));
}

const ExpressionScope& Call::scope() const { return ev_.scope(); }
const ExpressionLimits& Call::limits() const { return ev_.limits(); }

Result<Value> Expression::evaluate(const ExpressionScope& scope) const {
  if (!impl_->root) return Value{};
  try {
    Evaluator ev(*impl_, scope);
    return ev.eval(*impl_->root, 1);
  } catch (const std::exception& e) {  // a scope that throws, or allocation failure
    return make_error(ErrorDomain::input, ErrorCode::internal,
                      std::string("expression evaluation failed: ") + e.what());
  } catch (...) {
    return make_error(ErrorDomain::input, ErrorCode::internal,
                      "expression evaluation failed");
  }
}

}  // namespace doorstep::forms
