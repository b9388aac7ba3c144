/* surfaces.c: the classic analytic test functions with exact gradients and Hessians.
 * Each function computes f at x and, when asked, the gradient g and the row-major Hessian h. */
#include "surfaces.h"

#include "../error.h"
#include "../problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct analytic {
    basin_problem base;
    const struct analytic_def *def;
    double a, b; /* the surface's constants (Rosenbrock's a and b, Rastrigin's A) */
} analytic;

typedef double (*analytic_fn)(const analytic *s, const double *x, double *g, double *h);

typedef struct analytic_def {
    analytic_fn fn;
    double f_min; /* the global minimum value (the same for every dim) */
    bool has_dim; /* takes dim= */
    double domain[4]; /* the window it is usually drawn on */
} analytic_def;

static double rosenbrock(const analytic *s, const double *v, double *g, double *h)
{
    double a = s->a, b = s->b, x = v[0], y = v[1];
    double r = y - x * x;
    if (g) {
        g[0] = -2 * (a - x) - 4 * b * x * r;
        g[1] = 2 * b * r;
    }
    if (h) {
        h[0] = 2 - 4 * b * r + 8 * b * x * x;
        h[1] = h[2] = -4 * b * x;
        h[3] = 2 * b;
    }
    return (a - x) * (a - x) + b * r * r;
}

static double himmelblau(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    double x = v[0], y = v[1];
    double u = x * x + y - 11, w = x + y * y - 7;
    if (g) {
        g[0] = 4 * x * u + 2 * w;
        g[1] = 2 * u + 4 * y * w;
    }
    if (h) {
        h[0] = 4 * u + 8 * x * x + 2;
        h[1] = h[2] = 4 * x + 4 * y;
        h[3] = 2 + 4 * w + 8 * y * y;
    }
    return u * u + w * w;
}

/* Beale: f = Σ tᵢ² with tᵢ = cᵢ − x + x yⁱ, so ∇f = 2 Σ tᵢ ∇tᵢ and ∇²f = 2 Σ (∇tᵢ∇tᵢᵀ + tᵢ ∇²tᵢ). */
static double beale(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    static const double c[3] = {1.5, 2.25, 2.625};
    double x = v[0], y = v[1], f = 0;
    if (g)
        g[0] = g[1] = 0;
    if (h)
        h[0] = h[1] = h[2] = h[3] = 0;
    for (int i = 1; i <= 3; i++) {
        double yi = pow(y, i), yi1 = pow(y, i - 1);
        double t = c[i - 1] - x + x * yi;
        double tx = yi - 1, ty = i * x * yi1;
        double txy = i * yi1, tyy = i > 1 ? i * (i - 1) * x * pow(y, i - 2) : 0;
        f += t * t;
        if (g) {
            g[0] += 2 * t * tx;
            g[1] += 2 * t * ty;
        }
        if (h) {
            h[0] += 2 * tx * tx;
            h[1] += 2 * (tx * ty + t * txy);
            h[3] += 2 * (ty * ty + t * tyy);
        }
    }
    if (h)
        h[2] = h[1];
    return f;
}

static double booth(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    double p = v[0] + 2 * v[1] - 7, q = 2 * v[0] + v[1] - 5;
    if (g) {
        g[0] = 2 * p + 4 * q;
        g[1] = 4 * p + 2 * q;
    }
    if (h) {
        h[0] = h[3] = 10;
        h[1] = h[2] = 8;
    }
    return p * p + q * q;
}

static double rastrigin(const analytic *s, const double *x, double *g, double *h)
{
    size_t n = s->base.dim;
    double A = s->a, f = A * (double)n;
    if (h)
        memset(h, 0, n * n * sizeof *h);
    for (size_t i = 0; i < n; i++) {
        double t = 2 * M_PI * x[i];
        f += x[i] * x[i] - A * cos(t);
        if (g)
            g[i] = 2 * x[i] + 2 * M_PI * A * sin(t);
        if (h)
            h[i * n + i] = 2 + 4 * M_PI * M_PI * A * cos(t);
    }
    return f;
}

/* Ackley with a = 20, b = 0.2, c = 2π. At the origin the first term has a cusp: the gradient there is
 * taken as 0 (a subgradient) and the Hessian keeps only the smooth cosine term. */
static double ackley(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    const double a = 20, b = 0.2, c = 2 * M_PI;
    double x = v[0], y = v[1];
    double r = sqrt(0.5 * (x * x + y * y));
    double E = exp(-b * r);
    double S = exp(0.5 * (cos(c * x) + cos(c * y)));
    if (g) {
        double k = r > 0 ? a * b * E / (2 * r) : 0;
        g[0] = k * x + 0.5 * c * sin(c * x) * S;
        g[1] = k * y + 0.5 * c * sin(c * y) * S;
    }
    if (h) {
        double sx = sin(c * x), sy = sin(c * y);
        h[0] = 0.5 * c * c * S * (cos(c * x) - 0.5 * sx * sx);
        h[3] = 0.5 * c * c * S * (cos(c * y) - 0.5 * sy * sy);
        h[1] = -0.25 * c * c * S * sx * sy;
        if (r > 0) {
            double k = a * b / 2 * E, r2 = r * r, r3 = r2 * r;
            h[0] += k * (1 / r - b * x * x / (2 * r2) - x * x / (2 * r3));
            h[3] += k * (1 / r - b * y * y / (2 * r2) - y * y / (2 * r3));
            h[1] += k * (-b * x * y / (2 * r2) - x * y / (2 * r3));
        }
        h[2] = h[1];
    }
    return -a * E - S + M_E + a;
}

static double styblinski_tang(const analytic *s, const double *x, double *g, double *h)
{
    size_t n = s->base.dim;
    double f = 0;
    if (h)
        memset(h, 0, n * n * sizeof *h);
    for (size_t i = 0; i < n; i++) {
        double t = x[i], t2 = t * t;
        f += 0.5 * (t2 * t2 - 16 * t2 + 5 * t);
        if (g)
            g[i] = 2 * t2 * t - 16 * t + 2.5;
        if (h)
            h[i * n + i] = 6 * t2 - 16;
    }
    return f;
}

static double six_hump_camel(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    double x = v[0], y = v[1], x2 = x * x, y2 = y * y;
    if (g) {
        g[0] = 8 * x - 8.4 * x2 * x + 2 * x2 * x2 * x + y;
        g[1] = x - 8 * y + 16 * y2 * y;
    }
    if (h) {
        h[0] = 8 - 25.2 * x2 + 10 * x2 * x2;
        h[1] = h[2] = 1;
        h[3] = -8 + 48 * y2;
    }
    return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (-4 + 4 * y2) * y2;
}

static double saddle(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    double x = v[0], y = v[1];
    if (g) {
        g[0] = 2 * x;
        g[1] = -2 * y;
    }
    if (h) {
        h[0] = 2;
        h[1] = h[2] = 0;
        h[3] = -2;
    }
    return x * x - y * y;
}

static double monkey_saddle(const analytic *s, const double *v, double *g, double *h)
{
    (void)s;
    double x = v[0], y = v[1];
    if (g) {
        g[0] = 3 * x * x - 3 * y * y;
        g[1] = -6 * x * y;
    }
    if (h) {
        h[0] = 6 * x;
        h[1] = h[2] = -6 * y;
        h[3] = -6 * x;
    }
    return x * x * x - 3 * x * y * y;
}

static double analytic_eval(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    (void)batch;
    const analytic *s = (const analytic *)p;
    return s->def->fn(s, w, g, NULL);
}

static void analytic_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    (void)batch;
    const analytic *s = (const analytic *)p;
    s->def->fn(s, w, NULL, h);
}

static void analytic_destroy(basin_problem *p)
{
    free(p);
}

static const basin_problem_ops analytic_ops = {.eval = analytic_eval, .hessian = analytic_hessian,
                                               .destroy = analytic_destroy};

/* One constructor for the family: the entry's impl says which function; keys a, b, A, dim are read
 * where the entry's table has them. */
static basin_problem *analytic_create(const basin_entry *entry, const basin_params *params)
{
    const analytic_def *def = entry->impl;
    analytic *s = calloc(1, sizeof *s);
    if (!s) {
        basin_error_set("%s: out of memory", entry->name);
        return NULL;
    }
    s->def = def;
    s->base.ops = &analytic_ops;
    s->base.dim = 2;
    if (def->has_dim)
        s->base.dim = (size_t)basin_params_real(params, "dim");
    s->base.f_min = def->f_min;
    memcpy(s->base.domain, def->domain, sizeof def->domain);
    if (basin_param_find(entry->specs, "a") >= 0)
        s->a = basin_params_real(params, "a");
    if (basin_param_find(entry->specs, "b") >= 0)
        s->b = basin_params_real(params, "b");
    if (basin_param_find(entry->specs, "A") >= 0)
        s->a = basin_params_real(params, "A");
    return &s->base;
}

static const basin_param_spec noise_only[] = {BASIN_NOISE_PARAM, BASIN_PARAMS_END};

#define SURFACE(id, label, text, specs_, fn_, fmin, sep, ...)                                       \
    static const analytic_def id##_def = {fn_, fmin, sep, {__VA_ARGS__}};                           \
    const basin_entry basin_surface_##id = {                                                        \
        BASIN_KIND_SURFACE, label, text, specs_, &id##_def, {.surface = analytic_create}}

static const basin_param_spec rosenbrock_specs[] = {
    BASIN_REAL("a", "1", -BASIN_INF, BASIN_INF, "the minimum is at (a, a²)"),
    BASIN_REAL("b", "100", 0, BASIN_INF, "steepness of the curved valley's walls"),
    BASIN_NOISE_PARAM, BASIN_PARAMS_END};
SURFACE(rosenbrock, "rosenbrock", "(a−x)² + b(y−x²)²: a curved narrow valley, minimum 0 at (a, a²)",
        rosenbrock_specs, rosenbrock, 0, false, -2, 2, -1, 3);

SURFACE(himmelblau, "himmelblau",
        "(x²+y−11)² + (x+y²−7)²: four minima of value 0, e.g. (3, 2), a maximum near (−0.27, −0.92)",
        noise_only, himmelblau, 0, false, -5, 5, -5, 5);

SURFACE(beale, "beale", "(1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²: minimum 0 at (3, 0.5), flat plateaus",
        noise_only, beale, 0, false, -4.5, 4.5, -4.5, 4.5);

SURFACE(booth, "booth", "(x+2y−7)² + (2x+y−5)²: a convex quadratic, minimum 0 at (1, 3)", noise_only,
        booth, 0, false, -10, 10, -10, 10);

static const basin_param_spec rastrigin_specs[] = {
    BASIN_REAL("A", "10", 0, BASIN_INF, "amplitude of the cosine ripples"),
    BASIN_INT("dim", "2", 1, 4096, "number of coordinates"),
    BASIN_NOISE_PARAM, BASIN_PARAMS_END};
SURFACE(rastrigin, "rastrigin", "A·n + Σ(xᵢ² − A cos 2πxᵢ): a bowl covered in local minima, minimum 0 at 0",
        rastrigin_specs, rastrigin, 0, true, -5.12, 5.12, -5.12, 5.12);

SURFACE(ackley, "ackley",
        "−20e^(−0.2√(½(x²+y²))) − e^(½(cos 2πx + cos 2πy)) + e + 20: a needle at the origin (minimum 0) in a bumpy plain",
        noise_only, ackley, 0, false, -5, 5, -5, 5);

SURFACE(styblinski_tang, "styblinski-tang",
        "½Σ(xᵢ⁴ − 16xᵢ² + 5xᵢ): minimum −78.33 at (−2.9035, −2.9035), three other local minima",
        noise_only, styblinski_tang, -78.33233140754283, false, -5, 5, -5, 5);

SURFACE(six_hump_camel, "six-hump-camel",
        "(4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²: six minima, the lowest −1.0316 at ±(0.0898, −0.7126)",
        noise_only, six_hump_camel, -1.031628453489877, false, -3, 3, -2, 2);

SURFACE(saddle, "saddle", "x² − y²: a saddle point at the origin, unbounded below", noise_only, saddle,
        -INFINITY, false, -2, 2, -2, 2);

SURFACE(monkey_saddle, "monkey-saddle", "x³ − 3xy²: a degenerate saddle (zero Hessian) at the origin",
        noise_only, monkey_saddle, -INFINITY, false, -2, 2, -2, 2);
