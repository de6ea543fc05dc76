// Parsing forms expressions into an immutable tree, and the Expression handle around it.
// Recursive descent with one level per precedence: or, and, = !=, < <= > >=, + -, * div mod,
// unary minus. Runs of one level's operators become one chain node, so "a + b + ... + z"
// is one level deep, not 26. Parsing is bounded by max_length and max_depth.
#include <charconv>
#include <cmath>

#include "forms/expression_ast.h"

namespace doorstep::forms {
namespace {

Error syntax_error(std::string what, std::size_t column) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                    what + " at " + std::to_string(column));
}

Error depth_error(int max_depth, std::size_t column) {
  return make_error(ErrorDomain::input, ErrorCode::too_large,
                    "expression nested deeper than " + std::to_string(max_depth) + " at " +
                        std::to_string(column));
}

using NodePtr = std::unique_ptr<Node>;

class Parser {
 public:
  Parser(std::vector<Token> tokens, Expression::Impl& impl, int max_depth)
      : tokens_(std::move(tokens)), impl_(impl), max_depth_(max_depth) {}

  Result<NodePtr> parse_all() {
    auto root = parse_level(0, 0);
    if (!root.ok()) return root.error();
    if (peek().kind != Token::Kind::end) return unexpected(peek());
    return std::move(root.value());
  }

 private:
  static constexpr int kUnaryLevel = 6;

  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  Error unexpected(const Token& t) const {
    return syntax_error("unexpected " + describe(t), t.column);
  }

  // The operator at the cursor if it belongs to precedence `level`.
  std::optional<BinaryOp> op_at(int level) const {
    const Token& t = peek();
    using K = Token::Kind;
    auto word = [&](const char* w) { return t.kind == K::name && t.text == w; };
    switch (level) {
      case 0: if (word("or")) return BinaryOp::or_; break;
      case 1: if (word("and")) return BinaryOp::and_; break;
      case 2:
        if (t.kind == K::eq) return BinaryOp::eq;
        if (t.kind == K::ne) return BinaryOp::ne;
        break;
      case 3:
        if (t.kind == K::lt) return BinaryOp::lt;
        if (t.kind == K::le) return BinaryOp::le;
        if (t.kind == K::gt) return BinaryOp::gt;
        if (t.kind == K::ge) return BinaryOp::ge;
        break;
      case 4:
        if (t.kind == K::plus) return BinaryOp::add;
        if (t.kind == K::minus) return BinaryOp::sub;
        break;
      case 5:
        if (t.kind == K::star) return BinaryOp::mul;
        if (word("div")) return BinaryOp::div;
        if (word("mod")) return BinaryOp::mod;
        break;
    }
    return std::nullopt;
  }

  // Gives `node` its height from its children; input/too_large past max_depth.
  Status seal(Node& node) {
    int h = 0;
    for (auto& k : node.kids) h = std::max(h, k->height);
    node.height = h + 1;
    if (node.height > max_depth_) return depth_error(max_depth_, node.column);
    return {};
  }

  // `nesting` counts parentheses, calls and unary minus around the cursor; it bounds the
  // parser's own recursion the way heights bound the evaluator's.
  Result<NodePtr> parse_level(int level, int nesting) {
    if (level == kUnaryLevel) return parse_unary(nesting);
    auto first = parse_level(level + 1, nesting);
    if (!first.ok()) return first.error();
    auto op = op_at(level);
    if (!op) return first;
    auto chain = std::make_unique<Node>();
    chain->kind = Node::Kind::chain;
    chain->column = first.value()->column;
    chain->kids.push_back(std::move(first.value()));
    while (op) {
      take();
      chain->ops.push_back(*op);
      auto next = parse_level(level + 1, nesting);
      if (!next.ok()) return next.error();
      chain->kids.push_back(std::move(next.value()));
      op = op_at(level);
    }
    DOORSTEP_TRY(seal(*chain));
    return NodePtr(std::move(chain));
  }

  Result<NodePtr> parse_unary(int nesting) {
    if (peek().kind != Token::Kind::minus) return parse_primary(nesting);
    std::size_t column = take().column;
    if (nesting + 1 > max_depth_) return depth_error(max_depth_, column);
    auto operand = parse_unary(nesting + 1);
    if (!operand.ok()) return operand.error();
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::negate;
    node->column = column;
    node->kids.push_back(std::move(operand.value()));
    DOORSTEP_TRY(seal(*node));
    return NodePtr(std::move(node));
  }

  Result<NodePtr> parse_primary(int nesting) {
    const Token& t = take();
    auto node = std::make_unique<Node>();
    node->column = t.column;
    switch (t.kind) {
      case Token::Kind::number: {
        double d = 0;
        auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), d,
                                 std::chars_format::fixed);
        bool whole = r.ec == std::errc{} && r.ptr == t.text.data() + t.text.size();
        node->literal = whole && std::isfinite(d) ? Value(d) : Value(std::monostate{});
        return NodePtr(std::move(node));
      }
      case Token::Kind::string:
        node->literal = t.text;
        return NodePtr(std::move(node));
      case Token::Kind::field:
        node->kind = Node::Kind::field;
        node->name = t.text;
        note_reference(t.text);
        return NodePtr(std::move(node));
      case Token::Kind::dot:
        node->kind = Node::Kind::current;
        impl_.uses_current = true;
        return NodePtr(std::move(node));
      case Token::Kind::lparen: {
        if (nesting + 1 > max_depth_) return depth_error(max_depth_, t.column);
        auto inner = parse_level(0, nesting + 1);
        if (!inner.ok()) return inner.error();
        if (peek().kind != Token::Kind::rparen) return unexpected(peek());
        take();
        return std::move(inner.value());
      }
      case Token::Kind::name:
        if (peek().kind == Token::Kind::lparen) return parse_call(t, nesting);
        return syntax_error("unexpected " + describe(t) + " (a function needs '(')", t.column);
      case Token::Kind::dotdot:
        return syntax_error("'..' is only allowed inside position()", t.column);
      default:
        return unexpected(t);
    }
  }

  Result<NodePtr> parse_call(const Token& name_token, int nesting) {
    std::string_view name = name_token.text;
    if (name.substr(0, 3) == "jr:") name.remove_prefix(3);
    const FunctionDef* def = find_function(name);
    if (def == nullptr) {
      return syntax_error("unknown function '" + name_token.text + "'", name_token.column);
    }
    if (nesting + 1 > max_depth_) return depth_error(max_depth_, name_token.column);
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::call;
    node->column = name_token.column;
    node->name = def->name;
    node->function = def;
    take();  // '('
    bool is_position = node->name == "position";
    if (peek().kind != Token::Kind::rparen) {
      while (true) {
        if (is_position && peek().kind == Token::Kind::dotdot) {
          auto parent = std::make_unique<Node>();
          parent->kind = Node::Kind::parent;
          parent->column = take().column;
          node->kids.push_back(std::move(parent));
        } else {
          auto arg = parse_level(0, nesting + 1);
          if (!arg.ok()) return arg.error();
          node->kids.push_back(std::move(arg.value()));
        }
        if (peek().kind == Token::Kind::comma) {
          take();
          continue;
        }
        if (peek().kind == Token::Kind::rparen) break;
        return unexpected(peek());
      }
    }
    take();  // ')'
    DOORSTEP_TRY(check_arguments(*node, *def));
    DOORSTEP_TRY(seal(*node));
    return NodePtr(std::move(node));
  }

  Status check_arguments(Node& node, const FunctionDef& def) {
    int n = static_cast<int>(node.kids.size());
    if (n < def.min_args || (def.max_args >= 0 && n > def.max_args)) {
      std::string want = def.min_args == def.max_args ? std::to_string(def.min_args)
                         : def.max_args < 0 ? std::to_string(def.min_args) + " or more"
                         : std::to_string(def.min_args) + " to " + std::to_string(def.max_args);
      return syntax_error(std::string(def.name) + "() takes " + want + " argument" +
                              (want == "1" ? "" : "s") + ", not " + std::to_string(n),
                          node.column);
    }
    if (def.field_args) {
      for (auto& k : node.kids) {
        if (k->kind != Node::Kind::field) {
          return syntax_error(std::string(def.name) + "() takes a ${field}", k->column);
        }
      }
    }
    if (node.name == "position") {
      for (auto& k : node.kids) {
        if (k->kind != Node::Kind::parent) return syntax_error("position() takes '..'", k->column);
      }
    }
    if (node.kids.empty() && def.current_if_no_args) impl_.uses_current = true;
    if (node.name == "regex") {
      const Node& pattern = *node.kids[1];
      if (pattern.kind == Node::Kind::literal) {
        auto re = compile_regex(to_text(pattern.literal), pattern.column);
        if (!re.ok()) return re.error();
        node.regex = std::move(re.value());
      }
    }
    return {};
  }

  void note_reference(const std::string& name) {
    for (const auto& r : impl_.references) {
      if (r == name) return;
    }
    impl_.references.push_back(name);
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  Expression::Impl& impl_;
  int max_depth_;
};

const std::shared_ptr<const Expression::Impl>& empty_impl() {
  static const std::shared_ptr<const Expression::Impl> impl =
      std::make_shared<const Expression::Impl>();
  return impl;
}

}  // namespace

Expression::Expression() : impl_(empty_impl()) {}
Expression::Expression(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<Expression> Expression::parse(std::string_view text, const ExpressionLimits& limits) {
  try {
    if (utf8_length(text) > limits.max_length) {
      return make_error(ErrorDomain::input, ErrorCode::too_large,
                        "expression longer than " + std::to_string(limits.max_length) +
                            " characters");
    }
    auto impl = std::make_shared<Impl>();
    impl->text = std::string(text);
    impl->limits = limits;
    auto tokens = tokenize(text);
    if (!tokens.ok()) return tokens.error();
    if (tokens.value().size() == 1) return Expression(std::move(impl));  // blank
    int max_depth = std::clamp(limits.max_depth, 1, kHardMaxDepth);
    Parser parser(std::move(tokens.value()), *impl, max_depth);
    auto root = parser.parse_all();
    if (!root.ok()) return root.error();
    impl->root = std::move(root.value());
    return Expression(std::move(impl));
  } catch (const std::exception& e) {  // allocation failure; nothing escapes the library
    return make_error(ErrorDomain::input, ErrorCode::internal,
                      std::string("expression parse failed: ") + e.what());
  }
}

const std::string& Expression::text() const { return impl_->text; }
const std::vector<std::string>& Expression::references() const { return impl_->references; }
bool Expression::refers_to_current() const { return impl_->uses_current; }
bool Expression::empty() const { return impl_->root == nullptr; }

}  // namespace doorstep::forms
