/* expr.c: formulas parsed by recursive descent into a tree, folded where constant, emitted as a postfix
 * program, and evaluated on a stack of second-order dual numbers (value, gradient, Hessian). */
#include "expr.h"

#include "error.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the functions: value and the derivatives the chain rule needs ---- */

typedef enum {
    F_EXP, F_LOG, F_SQRT, F_SIN, F_COS, F_TAN, F_ASIN, F_ACOS, F_ATAN, F_SINH, F_COSH, F_TANH,
    F_ASINH, F_ACOSH, F_ATANH, F_ABS, F_RELU, F_SOFTPLUS, F_SIGMOID, F_NEG, F_POWC, /* unary */
    F_ADD, F_SUB, F_MUL, F_DIV, F_POW, F_ATAN2, F_MIN, F_MAX, /* binary */
    F_IF, /* ternary */
} function;

static const struct {
    const char *name;
    int args;
} functions[] = {
    [F_EXP] = {"exp", 1},     [F_LOG] = {"log", 1},       [F_SQRT] = {"sqrt", 1},       [F_SIN] = {"sin", 1},
    [F_COS] = {"cos", 1},     [F_TAN] = {"tan", 1},       [F_ASIN] = {"asin", 1},       [F_ACOS] = {"acos", 1},
    [F_ATAN] = {"atan", 1},   [F_SINH] = {"sinh", 1},     [F_COSH] = {"cosh", 1},       [F_TANH] = {"tanh", 1},
    [F_ASINH] = {"asinh", 1}, [F_ACOSH] = {"acosh", 1},   [F_ATANH] = {"atanh", 1},     [F_ABS] = {"abs", 1},
    [F_RELU] = {"relu", 1},   [F_SOFTPLUS] = {"softplus", 1}, [F_SIGMOID] = {"sigmoid", 1},
    [F_NEG] = {NULL, 1},      [F_POWC] = {NULL, 1},       [F_ADD] = {NULL, 2},          [F_SUB] = {NULL, 2},
    [F_MUL] = {NULL, 2},      [F_DIV] = {NULL, 2},        [F_POW] = {"pow", 2},         [F_ATAN2] = {"atan2", 2},
    [F_MIN] = {"min", 2},     [F_MAX] = {"max", 2},       [F_IF] = {"if", 3},
};
#define N_FUNCTIONS (sizeof functions / sizeof *functions)

/* f(u) and its first and second derivatives (c: the constant exponent of F_POWC). */
static double unary(function f, double u, double c, double *d1, double *d2)
{
    double v, t, s, q;
    switch (f) {
    case F_EXP: v = exp(u), *d1 = v, *d2 = v; return v;
    case F_LOG: *d1 = 1 / u, *d2 = -1 / (u * u); return log(u);
    case F_SQRT: v = sqrt(u), *d1 = 0.5 / v, *d2 = -0.25 / (v * u); return v;
    case F_SIN: v = sin(u), *d1 = cos(u), *d2 = -v; return v;
    case F_COS: v = cos(u), *d1 = -sin(u), *d2 = -v; return v;
    case F_TAN: v = tan(u), *d1 = 1 + v * v, *d2 = 2 * v * (1 + v * v); return v;
    case F_ASIN: q = 1 - u * u, *d1 = 1 / sqrt(q), *d2 = u / (q * sqrt(q)); return asin(u);
    case F_ACOS: q = 1 - u * u, *d1 = -1 / sqrt(q), *d2 = -u / (q * sqrt(q)); return acos(u);
    case F_ATAN: q = 1 + u * u, *d1 = 1 / q, *d2 = -2 * u / (q * q); return atan(u);
    case F_SINH: v = sinh(u), *d1 = cosh(u), *d2 = v; return v;
    case F_COSH: v = cosh(u), *d1 = sinh(u), *d2 = v; return v;
    case F_TANH: v = tanh(u), *d1 = 1 - v * v, *d2 = -2 * v * (1 - v * v); return v;
    case F_ASINH: q = u * u + 1, *d1 = 1 / sqrt(q), *d2 = -u / (q * sqrt(q)); return asinh(u);
    case F_ACOSH: q = u * u - 1, *d1 = 1 / sqrt(q), *d2 = -u / (q * sqrt(q)); return acosh(u);
    case F_ATANH: q = 1 - u * u, *d1 = 1 / q, *d2 = 2 * u / (q * q); return atanh(u);
    case F_ABS: *d1 = u > 0 ? 1 : u < 0 ? -1 : 0, *d2 = 0; return fabs(u);
    case F_RELU: *d1 = u > 0 ? 1 : 0, *d2 = 0; return u > 0 ? u : 0;
    case F_SOFTPLUS: /* PyTorch's threshold: x itself above 20 */
        if (u > 20)
            return *d1 = 1, *d2 = 0, u;
        s = 1 / (1 + exp(-u)), *d1 = s, *d2 = s * (1 - s);
        return log1p(exp(u));
    case F_SIGMOID: s = 1 / (1 + exp(-u)), *d1 = s * (1 - s), *d2 = s * (1 - s) * (1 - 2 * s); return s;
    case F_NEG: *d1 = -1, *d2 = 0; return -u;
    case F_POWC: /* as PyTorch: a zero exponent's derivative is 0, even where u^(c−1) is not finite */
        *d1 = c == 0 ? 0 : c * pow(u, c - 1);
        *d2 = c == 0 || c == 1 ? 0 : c * (c - 1) * pow(u, c - 2);
        return pow(u, c);
    default: t = NAN, *d1 = *d2 = t; return t;
    }
}

/* f(a, b) and its partial derivatives fa, fb, faa, fab, fbb. */
static double binary(function f, double a, double b, double d[5])
{
    double r2, p, l;
    memset(d, 0, 5 * sizeof *d);
    switch (f) {
    case F_ADD: d[0] = 1, d[1] = 1; return a + b;
    case F_SUB: d[0] = 1, d[1] = -1; return a - b;
    case F_MUL: d[0] = b, d[1] = a, d[3] = 1; return a * b;
    case F_DIV: d[0] = 1 / b, d[1] = -a / (b * b), d[3] = -1 / (b * b), d[4] = 2 * a / (b * b * b); return a / b;
    case F_POW:
        p = pow(a, b), l = log(a);
        d[0] = b == 0 ? 0 : b * pow(a, b - 1);
        d[1] = a == 0 && b >= 0 ? 0 : p * l; /* PyTorch: no slope in the exponent at a zero base */
        d[2] = b == 0 || b == 1 ? 0 : b * (b - 1) * pow(a, b - 2);
        d[3] = b == 0 ? 0 : pow(a, b - 1) * (1 + b * l);
        d[4] = a == 0 && b >= 0 ? 0 : p * l * l;
        return p;
    case F_ATAN2: /* atan2(a, b): the angle of the point (b, a) */
        r2 = a * a + b * b;
        d[0] = b / r2, d[1] = -a / r2;
        d[2] = -2 * a * b / (r2 * r2), d[3] = (a * a - b * b) / (r2 * r2), d[4] = 2 * a * b / (r2 * r2);
        return atan2(a, b);
    case F_MIN: d[a <= b ? 0 : 1] = 1; return a <= b ? a : b;
    case F_MAX: d[a >= b ? 0 : 1] = 1; return a >= b ? a : b;
    default: return NAN;
    }
}

/* ---- the tree ---- */

typedef enum { N_NUM, N_VAR, N_CALL } node_kind;

typedef struct node {
    node_kind kind;
    function f;        /* N_CALL */
    double value;      /* N_NUM; F_POWC's exponent */
    int var;           /* N_VAR */
    int arg[3];        /* N_CALL: child nodes */
} node;

typedef struct parser {
    const char *text, *at;
    node *nodes;
    size_t n, cap;
    int vars;          /* one more than the highest variable index */
    bool failed;
} parser;

static int column(const parser *p, const char *at)
{
    return (int)(at - p->text) + 1;
}

static void skip_space(parser *p)
{
    while (isspace((unsigned char)*p->at))
        p->at++;
}

/* The token at p->at as text for a message ("the end" past it). */
static void token_text(const parser *p, char *buf, size_t size)
{
    const char *s = p->at;
    if (!*s) {
        snprintf(buf, size, "the end");
        return;
    }
    size_t len = isalnum((unsigned char)*s) || *s == '.' || *s == '_' ? strspn(s, "abcdefghijklmnopqrstuvwxyz"
                                                                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._")
                                                                      : 1;
    snprintf(buf, size, "'%.*s'", (int)(len < 24 ? len : 24), s);
}

/* The text from start to p->at, trimmed, its last 24 characters at most. */
static void snippet(const parser *p, const char *start, char *buf, size_t size)
{
    const char *end = p->at;
    while (start < end && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    size_t len = (size_t)(end - start);
    if (len > 24)
        snprintf(buf, size, "…%.*s", 24, end - 24);
    else
        snprintf(buf, size, "%.*s", (int)len, start);
}

static int fail(parser *p, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(parser *p, const char *at, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    char message[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    basin_error_set("column %d: %s", column(p, at), message);
    p->failed = true;
    return -1;
}

static int add_node(parser *p, node n)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 32;
        node *nodes = realloc(p->nodes, cap * sizeof *nodes);
        if (!nodes) {
            basin_error_set("out of memory compiling a formula");
            p->failed = true;
            return -1;
        }
        p->nodes = nodes, p->cap = cap;
    }
    p->nodes[p->n] = n;
    return (int)p->n++;
}

/* A call of f on args, folded into a number when every argument is one. */
static int call(parser *p, function f, const int *args, double c)
{
    node n = {.kind = N_CALL, .f = f, .value = c, .arg = {-1, -1, -1}};
    bool constant = true;
    for (int i = 0; i < functions[f].args; i++) {
        if (args[i] < 0)
            return -1;
        n.arg[i] = args[i];
        constant = constant && p->nodes[args[i]].kind == N_NUM;
    }
    if (!constant)
        return add_node(p, n);
    double v[3] = {0}, d1, d2, d[5];
    for (int i = 0; i < functions[f].args; i++)
        v[i] = p->nodes[args[i]].value;
    double value = functions[f].args == 1 ? unary(f, v[0], c, &d1, &d2)
                   : functions[f].args == 2 ? binary(f, v[0], v[1], d)
                                            : (v[0] > 0 ? v[1] : v[2]);
    p->n = (size_t)args[0]; /* the arguments were the last nodes made: reuse their room */
    return add_node(p, (node){.kind = N_NUM, .value = value});
}

static int parse_sum(parser *p);

static const char valid_names[] = "variables x, y, x0 … x15; constants pi, e; functions exp, log, sqrt, sin, cos, "
                                  "tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, abs, relu, "
                                  "softplus, sigmoid, min, max, pow, atan2, if(c, a, b)";

/* A name: a variable, a constant, or a function applied to its arguments in parentheses. */
static int parse_name(parser *p)
{
    const char *start = p->at;
    while (isalnum((unsigned char)*p->at) || *p->at == '_')
        p->at++;
    size_t len = (size_t)(p->at - start);
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), start);
    skip_space(p);
    for (size_t f = 0; f < N_FUNCTIONS; f++) {
        if (!functions[f].name || strcmp(functions[f].name, name) != 0)
            continue;
        if (*p->at != '(')
            return fail(p, start, "'%s' is a function: write %s(...)", name, name);
        const char *open = p->at++;
        int args[3] = {-1, -1, -1}, n = 0;
        for (;;) {
            int arg = parse_sum(p);
            if (arg < 0)
                return -1;
            if (n < 3)
                args[n] = arg;
            n++;
            skip_space(p);
            if (*p->at == ',') {
                p->at++;
                continue;
            }
            if (*p->at != ')') {
                char after[64];
                snippet(p, open + 1, after, sizeof after);
                return fail(p, p->at, "expected ')' or ',' after '%s'", after);
            }
            p->at++;
            break;
        }
        if (n != functions[f].args)
            return fail(p, start, "'%s' takes %d argument%s, not %d", name, functions[f].args,
                        functions[f].args == 1 ? "" : "s", n);
        return call(p, (function)f, args, 0);
    }
    if (strcmp(name, "pi") == 0)
        return add_node(p, (node){.kind = N_NUM, .value = M_PI});
    if (strcmp(name, "e") == 0)
        return add_node(p, (node){.kind = N_NUM, .value = M_E});
    int var = -1;
    if (strcmp(name, "x") == 0)
        var = 0;
    else if (strcmp(name, "y") == 0)
        var = 1;
    else if (name[0] == 'x' && isdigit((unsigned char)name[1]) && strspn(name + 1, "0123456789") == len - 1 && len <= 3 &&
             (len == 2 || name[1] != '0'))
        var = atoi(name + 1);
    if (var < 0 || var >= BASIN_EXPR_VARS)
        return fail(p, start, "unknown name '%s' (%s)", name, valid_names);
    if (*p->at == '(')
        return fail(p, start, "'%s' is a variable, not a function", name);
    p->vars = var + 1 > p->vars ? var + 1 : p->vars;
    return add_node(p, (node){.kind = N_VAR, .var = var});
}

/* A number (digits, a point, an exponent), a name, or a sum in parentheses. */
static int parse_primary(parser *p)
{
    skip_space(p);
    const char *start = p->at;
    if (isdigit((unsigned char)*p->at) || (*p->at == '.' && isdigit((unsigned char)p->at[1]))) {
        while (isdigit((unsigned char)*p->at))
            p->at++;
        if (*p->at == '.')
            for (p->at++; isdigit((unsigned char)*p->at);)
                p->at++;
        if ((*p->at == 'e' || *p->at == 'E') &&
            (isdigit((unsigned char)p->at[1]) || ((p->at[1] == '+' || p->at[1] == '-') && isdigit((unsigned char)p->at[2]))))
            for (p->at += 2; isdigit((unsigned char)*p->at);)
                p->at++;
        return add_node(p, (node){.kind = N_NUM, .value = strtod(start, NULL)});
    }
    if (isalpha((unsigned char)*p->at) || *p->at == '_')
        return parse_name(p);
    if (*p->at == '(') {
        p->at++;
        int inner = parse_sum(p);
        if (inner < 0)
            return -1;
        skip_space(p);
        if (*p->at != ')') {
            char after[64];
            snippet(p, start + 1, after, sizeof after);
            return fail(p, p->at, "expected ')' after '%s'", after);
        }
        p->at++;
        return inner;
    }
    char found[40];
    token_text(p, found, sizeof found);
    return fail(p, p->at, "expected a number, a name or '(' but found %s", found);
}

static int parse_unary(parser *p);

/* primary ^ unary: right-associative, binding tighter than a leading minus (−x^2 is −(x²)). */
static int parse_power(parser *p)
{
    int base = parse_primary(p);
    skip_space(p);
    if (base < 0 || *p->at != '^')
        return base;
    p->at++;
    int exponent = parse_unary(p);
    if (exponent < 0)
        return -1;
    if (p->nodes[exponent].kind == N_NUM) { /* a constant exponent: the power rule */
        double c = p->nodes[exponent].value;
        p->n--; /* the exponent's node was the last made */
        int args[1] = {base};
        return call(p, F_POWC, args, c);
    }
    int args[2] = {base, exponent};
    return call(p, F_POW, args, 0);
}

static int parse_unary(parser *p)
{
    skip_space(p);
    if (*p->at == '-' || *p->at == '+') {
        bool minus = *p->at++ == '-';
        int operand = parse_unary(p);
        int args[1] = {operand};
        return minus ? call(p, F_NEG, args, 0) : operand;
    }
    return parse_power(p);
}

static int parse_product(parser *p)
{
    int left = parse_unary(p);
    for (;;) {
        skip_space(p);
        if (left < 0 || (*p->at != '*' && *p->at != '/'))
            return left;
        function f = *p->at++ == '*' ? F_MUL : F_DIV;
        int args[2] = {left, parse_unary(p)};
        left = call(p, f, args, 0);
    }
}

static int parse_sum(parser *p)
{
    int left = parse_product(p);
    for (;;) {
        skip_space(p);
        if (left < 0 || (*p->at != '+' && *p->at != '-'))
            return left;
        function f = *p->at++ == '+' ? F_ADD : F_SUB;
        int args[2] = {left, parse_product(p)};
        left = call(p, f, args, 0);
    }
}

/* ---- the program ---- */

typedef struct op {
    node_kind kind;
    function f;
    double value;
    int var;
} op;

struct basin_expr {
    op *ops;
    size_t n, depth; /* ops, and the most values on the stack at once */
    size_t vars;
};

/* Appends node k's subtree in postfix order; depth tracks the stack's height. */
static void emit(basin_expr *e, const node *nodes, int k, size_t *height)
{
    const node *n = &nodes[k];
    int args = n->kind == N_CALL ? functions[n->f].args : 0;
    for (int i = 0; i < args; i++)
        emit(e, nodes, n->arg[i], height);
    *height = *height - (size_t)args + 1;
    e->depth = *height > e->depth ? *height : e->depth;
    e->ops[e->n++] = (op){n->kind, n->f, n->value, n->var};
}

basin_expr *basin_expr_compile(const char *text)
{
    parser p = {.text = text, .at = text};
    skip_space(&p);
    if (!*p.at) {
        basin_error_set("the formula is empty");
        return NULL;
    }
    int root = parse_sum(&p);
    skip_space(&p);
    if (root >= 0 && *p.at) {
        char found[40], after[64];
        token_text(&p, found, sizeof found);
        snippet(&p, text, after, sizeof after);
        fail(&p, p.at, "unexpected %s after '%s'", found, after);
        root = -1;
    }
    basin_expr *e = root >= 0 ? calloc(1, sizeof *e) : NULL;
    if (e && !(e->ops = malloc(p.n * sizeof *e->ops))) {
        free(e);
        e = NULL;
    }
    if (root >= 0 && !e)
        basin_error_set("out of memory compiling a formula");
    if (e) {
        size_t height = 0;
        e->vars = (size_t)p.vars;
        emit(e, p.nodes, root, &height);
    }
    free(p.nodes);
    return e;
}

size_t basin_expr_vars(const basin_expr *e)
{
    return e->vars;
}

void basin_expr_free(basin_expr *e)
{
    if (!e)
        return;
    free(e->ops);
    free(e);
}

/* ---- evaluation on dual numbers: each slot is the value, then m gradient entries, then m × m Hessian ---- */

typedef struct duals {
    size_t m;     /* the variables differentiated */
    int order;    /* 0: values, 1: and gradients, 2: and Hessians */
    size_t slot;  /* doubles a slot takes */
} duals;

static void apply_unary(const duals *D, double *u, double v, double d1, double d2)
{
    size_t m = D->m;
    double *g = u + 1, *h = u + 1 + m;
    if (D->order == 2) /* the upper triangle, mirrored: exactly symmetric */
        for (size_t i = 0; i < m; i++)
            for (size_t j = i; j < m; j++) {
                double t = d1 == 0 ? 0 : d1 * h[i * m + j];
                h[i * m + j] = h[j * m + i] = d2 == 0 ? t : t + d2 * (g[i] * g[j]);
            }
    if (D->order >= 1)
        for (size_t i = 0; i < m; i++)
            g[i] = d1 == 0 ? 0 : d1 * g[i];
    u[0] = v;
}

/* a ← f(a, b) with the partials d (fa, fb, faa, fab, fbb); the terms whose coefficient is 0 are left out. */
static void apply_binary(const duals *D, double *a, const double *b, double v, const double d[5])
{
    size_t m = D->m;
    double *ga = a + 1, *ha = a + 1 + m;
    const double *gb = b + 1, *hb = b + 1 + m;
    if (D->order == 2) /* the upper triangle, mirrored: exactly symmetric */
        for (size_t i = 0; i < m; i++)
            for (size_t j = i; j < m; j++) {
                double t = 0;
                if (d[0] != 0)
                    t += d[0] * ha[i * m + j];
                if (d[1] != 0)
                    t += d[1] * hb[i * m + j];
                if (d[2] != 0)
                    t += d[2] * (ga[i] * ga[j]);
                if (d[3] != 0)
                    t += d[3] * (ga[i] * gb[j] + gb[i] * ga[j]);
                if (d[4] != 0)
                    t += d[4] * (gb[i] * gb[j]);
                ha[i * m + j] = ha[j * m + i] = t;
            }
    if (D->order >= 1)
        for (size_t i = 0; i < m; i++)
            ga[i] = (d[0] != 0 ? d[0] * ga[i] : 0) + (d[1] != 0 ? d[1] * gb[i] : 0);
    a[0] = v;
}

#define STACK_DOUBLES 4096

double basin_expr_eval(const basin_expr *e, const double *x, size_t n, double *g, double *h)
{
    duals D = {.m = e->vars, .order = h ? 2 : g ? 1 : 0};
    D.slot = 1 + (D.order >= 1 ? D.m : 0) + (D.order == 2 ? D.m * D.m : 0);
    double local[STACK_DOUBLES], *stack = local;
    if (e->depth * D.slot > STACK_DOUBLES && !(stack = malloc(e->depth * D.slot * sizeof *stack)))
        return NAN; /* out of memory: the value says so */
    size_t top = 0;
    for (size_t k = 0; k < e->n; k++) {
        const op *o = &e->ops[k];
        if (o->kind != N_CALL) {
            double *s = stack + top++ * D.slot;
            memset(s, 0, D.slot * sizeof *s);
            s[0] = o->kind == N_NUM ? o->value : x[o->var];
            if (o->kind == N_VAR && D.order >= 1)
                s[1 + o->var] = 1;
            continue;
        }
        int args = functions[o->f].args;
        double *a = stack + (top - (size_t)args) * D.slot;
        if (args == 1) {
            double d1, d2, v = unary(o->f, a[0], o->value, &d1, &d2);
            apply_unary(&D, a, v, d1, d2);
        } else if (args == 2) {
            double d[5], *b = a + D.slot, v = binary(o->f, a[0], b[0], d);
            if (o->f == F_MIN || o->f == F_MAX) { /* the chosen argument, whole */
                if (d[1] != 0)
                    memcpy(a, b, D.slot * sizeof *a);
            } else {
                apply_binary(&D, a, b, v, d);
            }
        } else { /* if(c, a, b): the chosen branch, whole */
            const double *chosen = a[0] > 0 ? a + D.slot : a + 2 * D.slot;
            memmove(a, chosen, D.slot * sizeof *a);
        }
        top -= (size_t)args - 1;
    }
    double value = stack[0];
    for (size_t i = 0; g && i < n; i++)
        g[i] = i < D.m ? stack[1 + i] : 0;
    for (size_t i = 0; h && i < n; i++)
        for (size_t j = 0; j < n; j++)
            h[i * n + j] = i < D.m && j < D.m ? stack[1 + D.m + i * D.m + j] : 0;
    if (stack != local)
        free(stack);
    return value;
}
