/* formula.c: the surface of a typed formula: the compiled program (engine/expr.h) answers the loss, the
 * gradient and the Hessian in one pass each; its window and minimum come from the spec. */
#include "formula.h"

#include "../error.h"
#include "../expr.h"
#include "../problem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct formula {
    basin_problem base;
    basin_expr *program;
} formula;

static double formula_eval(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    (void)batch;
    return basin_expr_eval(((const formula *)p)->program, w, p->dim, g, NULL);
}

static void formula_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    (void)batch;
    basin_expr_eval(((const formula *)p)->program, w, p->dim, NULL, h);
}

static void formula_destroy(basin_problem *p)
{
    basin_expr_free(((formula *)p)->program);
    free(p);
}

static const basin_problem_ops formula_ops = {.eval = formula_eval, .hessian = formula_hessian,
                                              .destroy = formula_destroy};

/* Reads "LO:HI,LO:HI" into window. Returns 0, or -1 with a message. */
static int read_domain(const char *text, double window[4])
{
    char tail;
    if (sscanf(text, "%lf:%lf,%lf:%lf %c", &window[0], &window[1], &window[2], &window[3], &tail) != 4 ||
        !(window[0] < window[1]) || !(window[2] < window[3]) || !isfinite(window[0]) || !isfinite(window[1]) ||
        !isfinite(window[2]) || !isfinite(window[3])) {
        basin_error_set("expr: domain='%s' is not XLO:XHI,YLO:YHI with LO < HI", text);
        return -1;
    }
    return 0;
}

/* Reads dim comma-separated numbers into x. Returns 0, or -1 with a message. */
static int read_point(const char *text, size_t dim, double *x)
{
    const char *c = text;
    for (size_t i = 0; i < dim; i++) {
        char *end;
        x[i] = strtod(c, &end);
        if (end == c || !isfinite(x[i]) || (i + 1 < dim ? *end != ',' : *end != '\0')) {
            basin_error_set("expr: minimum='%s' is not %zu numbers separated by commas", text, dim);
            return -1;
        }
        c = end + 1;
    }
    return 0;
}

static basin_problem *formula_create(const basin_entry *entry, const basin_params *params)
{
    const char *text = basin_params_string(params, "f");
    basin_expr *program = basin_expr_compile(text);
    if (!program) {
        basin_error_set("expr: f: %s", basin_error_message());
        return NULL;
    }
    size_t vars = basin_expr_vars(program), dim = vars > 2 ? vars : 2;
    if (basin_params_given(params, "dim")) {
        size_t given = (size_t)basin_params_real(params, "dim");
        if (given < vars) {
            basin_error_set("expr: dim=%zu, but f uses x%zu", given, vars - 1);
            basin_expr_free(program);
            return NULL;
        }
        dim = given;
    }
    formula *s = calloc(1, sizeof *s);
    double *point = malloc(dim * sizeof *point);
    if (!s || !point) {
        free(s), free(point);
        basin_expr_free(program);
        basin_error_set("%s: out of memory", entry->name);
        return NULL;
    }
    s->program = program;
    s->base.ops = &formula_ops;
    s->base.dim = dim;
    s->base.f_min = NAN;
    double window[4] = {-3, 3, -3, 3};
    const char *domain = basin_params_string(params, "domain"), *minimum = basin_params_string(params, "minimum");
    int rc = domain ? read_domain(domain, window) : 0;
    if (rc == 0 && minimum && (rc = read_point(minimum, dim, point)) == 0)
        s->base.f_min = basin_expr_eval(program, point, dim, NULL, NULL);
    free(point);
    if (rc != 0) {
        formula_destroy(&s->base);
        return NULL;
    }
    memcpy(s->base.domain, window, sizeof window);
    return &s->base;
}

static const basin_param_spec formula_specs[] = {
    BASIN_STRING("f", NULL, "the formula of x and y (or x0 … x15), quoted: + - * / ^, pi, e, exp log sqrt sin cos "
                            "tan asin acos atan sinh cosh tanh asinh acosh atanh abs relu softplus sigmoid min max "
                            "pow atan2, if(c, a, b) (a where c > 0)"),
    BASIN_INT("dim", "", 1, BASIN_EXPR_VARS, "coordinates (default: as many as f uses, at least 2)"),
    BASIN_STRING("domain", "", "the window it is drawn on, quoted: \"XLO:XHI,YLO:YHI\" (default -3:3,-3:3)"),
    BASIN_STRING("minimum", "", "a global minimum, quoted: \"X0,X1\": the loss is then drawn as f − f*"),
    BASIN_NOISE_PARAM,
    BASIN_PARAMS_END};

const basin_entry basin_surface_expr = {BASIN_KIND_SURFACE, "expr",
                                        "a formula you type: exact gradient and Hessian by automatic differentiation",
                                        formula_specs, NULL, {.surface = formula_create}};
