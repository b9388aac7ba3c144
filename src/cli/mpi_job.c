/* mpi_job.c: the ranks of a command's MPI job agreeing on failures. */
#include "mpi_job.h"

#include "cli.h"
#include "usage.h"

#include "engine/error.h"
#include "engine/parallel/thread_policy.h"

#include <string.h>

/* How many ranks say they failed (each says 1 or 0): every rank learns it. −1 when the sum fails. */
static int ranks_that_failed(basin_comm *world, bool failed)
{
    double n = failed ? 1 : 0;
    return basin_comm_allreduce_sum(world, &n, 1) == 0 ? (int)n : -1;
}

int cli_mpi_backend(const char *command, const char *backend, const char *hint, FILE *err)
{
    if (backend && strcmp(backend, "threads") != 0 && strcmp(backend, "mpi") != 0)
        return basin_cli_usage_error(err, command, "--backend '%s': threads or mpi", backend);
    bool mpi = backend && strcmp(backend, "mpi") == 0;
    int launched = basin_mpi_launched_ranks();
    if (launched > 1 && !mpi)
        return basin_cli_usage_error(err, command, "an MPI launcher started %d ranks: add --backend mpi%s", launched,
                                     hint ? hint : "");
    return mpi;
}

int cli_mpi_job_begin(cli_mpi_job *job, const char *command, FILE **out, FILE **err)
{
    *job = (cli_mpi_job){.err = *err};
    if (basin_mpi_start(&job->world) != 0) {
        fprintf(*err, "basin %s: --backend mpi: %s\n", command, basin_error_message());
        return BASIN_EXIT_USAGE;
    }
    if (job->world.rank != 0 && (job->sink = fopen("/dev/null", "w"))) /* the same input everywhere: rank 0 speaks */
        *out = *err = job->sink;
    basin_threads_enter((size_t)job->world.size); /* ranks share the machine as threads do: one BLAS thread each */
    return 0;
}

int cli_mpi_job_ready(cli_mpi_job *job)
{
    job->reached = true;
    return job->failed_elsewhere = ranks_that_failed(&job->world, false);
}

int cli_mpi_job_end(cli_mpi_job *job, int status, const char *command)
{
    if (job->sink)
        fclose(job->sink);
    basin_comm *w = &job->world;
    if (!job->reached) { /* this rank could not get there: the others learn it there */
        char message[512];
        snprintf(message, sizeof message, "%s", basin_error_message());
        int failed = ranks_that_failed(w, true);
        if (w->rank != 0 && failed < w->size) /* not the same failure everywhere: rank 0 said nothing */
            fprintf(job->err, "basin %s: rank %d: %s\n", command, w->rank, message);
        if (failed < 0)
            basin_mpi_abort(status);
    } else if (job->failed_elsewhere < 0) { /* MPI itself failed at the common point (a rank died) */
        fprintf(job->err, "basin %s: %s\n", command, basin_error_message());
        basin_mpi_abort(status != BASIN_EXIT_OK ? status : BASIN_EXIT_FAILURE);
    } else if (job->failed_elsewhere) {
        if (w->rank == 0)
            fprintf(job->err, "basin %s: %d of %d ranks could not start (their messages above)\n", command,
                    job->failed_elsewhere, w->size);
    } else if (status != BASIN_EXIT_OK && w->size > 1) { /* after the common point: maybe this rank's alone */
        if (w->rank != 0)
            fprintf(job->err, "basin %s: rank %d: %s\n", command, w->rank, basin_error_message());
        basin_mpi_abort(status); /* the other ranks may be waiting for this one's messages: end them all */
    }
    basin_mpi_finish(w);
    return status;
}

int cli_mpi_main(const char *command, int argc, char **argv, cli_mpi_parse parse, cli_mpi_work work, void *options,
                 const char *const *backend, FILE *out, FILE *err)
{
    FILE *quiet = basin_mpi_launched_rank() > 0 ? fopen("/dev/null", "w") : NULL;
    int rc = parse(argc, argv, options, quiet ? quiet : out, quiet ? quiet : err);
    if (quiet)
        fclose(quiet);
    if (rc != 0)
        return rc > 0 ? BASIN_EXIT_OK : BASIN_EXIT_USAGE;
    if (!*backend || strcmp(*backend, "mpi") != 0)
        return work(options, out, err, NULL);
    cli_mpi_job job;
    rc = cli_mpi_job_begin(&job, command, &out, &err);
    return rc != 0 ? rc : cli_mpi_job_end(&job, work(options, out, err, &job), command);
}
