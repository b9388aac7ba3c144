/* bench_expr.c: a typed formula over the grid the 3-D view samples (256 × 256 points) with gradients, and
 * with Hessians, against the built-in surface's hand-written derivatives in the same run. Prints the
 * milliseconds a grid takes (the best of several) and the ratio. */
#include "bench.h"

#include "engine/problem.h"
#include "engine/spec.h"

#define SIDE 256
#define REPEATS 7

static basin_problem *make(const char *text)
{
    basin_spec spec;
    if (basin_spec_parse(&spec, BASIN_KIND_SURFACE, text) != 0) {
        fprintf(stderr, "bench: %s: %s\n", text, basin_error_message());
        exit(1);
    }
    basin_problem *p = bench_must(basin_problem_create(spec.entry, &spec.params), text);
    basin_spec_clear(&spec);
    return p;
}

/* The best time of REPEATS grids, in ms; with hessian the Hessian at each point, else the gradient. */
static double grid_ms(const basin_problem *p, bool hessian, double *sink)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double start = bench_now(), g[2], h[4];
        for (int j = 0; j < SIDE; j++)
            for (int i = 0; i < SIDE; i++) {
                double w[2] = {-2 + 4.0 * i / (SIDE - 1), -1 + 4.0 * j / (SIDE - 1)};
                if (hessian) {
                    basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
                    *sink += h[0];
                } else {
                    *sink += basin_problem_eval(p, w, g) + g[0];
                }
            }
        double ms = 1e3 * (bench_now() - start);
        best = ms < best ? ms : best;
    }
    return best;
}

int main(void)
{
    basin_problem *builtin = make("rosenbrock"), *typed = make("expr:f=\"(1-x)^2 + 100*(y-x^2)^2\"");
    double sink = 0;
    for (int hessian = 0; hessian < 2; hessian++) {
        double a = grid_ms(builtin, hessian, &sink), b = grid_ms(typed, hessian, &sink);
        printf("%s on %d×%d: typed %.2f ms, built-in %.2f ms, ratio %.1f\n", hessian ? "Hessians" : "values and gradients",
               SIDE, SIDE, b, a, b / a);
    }
    basin_problem_destroy(builtin), basin_problem_destroy(typed);
    return sink == 42 ? 1 : 0; /* keeps the work from being optimized away */
}
