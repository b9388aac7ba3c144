/* ticks.c: Heckbert's nice numbers for linear axes; decades for log axes. */
#include "ticks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double nice_step(double raw)
{
    double power = pow(10, floor(log10(raw)));
    double f = raw / power;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * power;
}

size_t basin_ticks(double lo, double hi, bool log, int target, double *ticks, size_t max, double *step)
{
    size_t n = 0;
    *step = 0;
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi))
        return 0;
    if (log && lo > 0 && log10(hi) - log10(lo) >= 1) {
        int first = (int)ceil(log10(lo) - 1e-9), last = (int)floor(log10(hi) + 1e-9);
        if (last - first < 2) { /* one or two powers of ten in range: 1, 2 and 5 times each */
            static const double mantissas[] = {1, 2, 5};
            *step = -1;
            for (int k = first - 1; k <= last && n < max; k++)
                for (int m = 0; m < 3 && n < max; m++) {
                    double t = mantissas[m] * pow(10, k);
                    if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9))
                        ticks[n++] = t;
                }
            return n;
        }
        int every = (last - first) / (target > 1 ? target : 1) + 1;
        for (int k = first; k <= last && n < max; k++)
            if ((k - first) % every == 0)
                ticks[n++] = pow(10, k);
        return n;
    }
    /* a finer step while the nice one leaves fewer than two ticks in range (8 to 30 by 20 has one) */
    for (int aim = target > 1 ? target : 1; n < 2 && aim <= 4 * (target > 1 ? target : 1) + 4; aim++) {
        n = 0;
        *step = nice_step((hi - lo) / aim);
        for (double t = ceil(lo / *step - 1e-9) * *step; t <= hi + 1e-9 * *step && n < max; t += *step)
            ticks[n++] = fabs(t) < 1e-12 * *step ? 0 : t;
    }
    return n;
}

/* "10ᵏ" with Unicode superscripts after prefix. */
static void power_of_ten(int k, const char *prefix, char *buf, size_t size)
{
    static const char *const superscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    size_t used = (size_t)snprintf(buf, size, "%s10%s", prefix, k < 0 ? "⁻" : "");
    char digits[16];
    snprintf(digits, sizeof digits, "%d", abs(k));
    for (const char *d = digits; *d && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s", superscript[*d - '0']);
}

void basin_tick_label(double value, double step, char *buf, size_t size)
{
    if (step == 0) {
        power_of_ten((int)lround(log10(value)), "", buf, size);
        return;
    }
    if (step < 0) { /* m·10ᵏ on a log axis of one or two decades */
        int k = (int)floor(log10(value) + 1e-9);
        long m = lround(value / pow(10, k));
        char prefix[8] = "";
        if (m != 1)
            snprintf(prefix, sizeof prefix, "%ld·", m);
        power_of_ten(k, prefix, buf, size);
        return;
    }
    double magnitude = fmax(fabs(value), step);
    if (magnitude >= 1e5 || magnitude < 1e-3) {
        snprintf(buf, size, "%.3g", value);
        return;
    }
    int decimals = 0;
    while (decimals < 6 && fabs(step * pow(10, decimals) - round(step * pow(10, decimals))) > 1e-6)
        decimals++;
    /* A typographic minus sign, as in print. */
    snprintf(buf, size, "%s%.*f", value < 0 ? "−" : "", decimals, fabs(value));
}
