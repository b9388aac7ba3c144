/* npy.h: NumPy's .npy format (version 1.0) for little-endian float64 and int64 arrays in C order, so
 * weights, gradients and directions load with numpy.load anywhere. */
#ifndef BASIN_NPY_H
#define BASIN_NPY_H

#include <stdbool.h>
#include <stddef.h>

#define BASIN_NPY_MAX_DIMS 8

/* Writes data (the product of shape's ndim sizes; ndim 0 is a scalar) to path atomically, as '<i8'
 * (values rounded) when as_integer, else '<f8'. Returns 0, or -1 with a message naming path. */
int basin_npy_write(const char *path, const double *data, size_t ndim, const size_t *shape, bool as_integer);

/* Reads path, which must be a regular file holding a C-order '<f8' or '<i8' array, into a new buffer
 * *data (owned by the caller) with its shape; the header is checked against the file's size before
 * anything is allocated. Returns 0, or -1 with a message naming path and what is wrong. */
int basin_npy_read(const char *path, double **data, size_t *ndim, size_t shape[BASIN_NPY_MAX_DIMS]);

/* Reads path, which must hold an array of exactly ndim × shape (what names it in messages), into dest,
 * checking the header against the shape and the file's size before reading, and every value for
 * finiteness. Returns 0, or -1 with a message naming path (and the first non-finite value's index). */
int basin_npy_read_shaped(const char *path, const char *what, size_t ndim, const size_t *shape, double *dest);

#endif
