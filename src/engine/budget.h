/* budget.h: memory asked for before it is allocated. A request is compared with what this machine has
 * (its physical memory, or BASIN_MEMORY_LIMIT bytes when that variable is set, as tests and fuzzers do) and
 * refused with one line naming what asked and how much, instead of being killed half-way by the kernel. */
#ifndef BASIN_BUDGET_H
#define BASIN_BUDGET_H

/* The bytes a request may take: 80% of the machine's memory (or BASIN_MEMORY_LIMIT). Can't fail. */
double basin_memory_limit(void);

/* Whether bytes fit the limit. Returns 0, or -1 with "WHAT: 12.8 GB needed, more than the 19.2 GB this
 * machine can give", WHAT being the printf-style account of the request ("3 runs × 1000000001 rows"). */
int basin_budget_check(double bytes, const char *what, ...) __attribute__((format(printf, 2, 3)));

/* "12.8 GB", "512 MB", "40 kB" for a byte count, into buf. Returns buf. */
const char *basin_bytes_text(double bytes, char *buf, unsigned size);

#endif
