/* The parallel-work hooks of the interpreter (interp_platform.h) on a profile
 * with a cluster (gap9): the fabric controller forks each parallel step onto the
 * worker cores and sleeps until they are all done (firmware/cluster/vs_cluster.h). */
#include "interp_platform.h"
#include "vs_cluster.h"

typedef struct {
    vs_interp_task_t task;
    void *arg;
    int32_t items;
} vs__job_t;

static void vs__run_share(void *p) {
    const vs__job_t *job = (const vs__job_t *)p;
    const unsigned core = vs_core_id();
    unsigned begin, end;
    vs_split((unsigned)job->items, core, vs_core_count(), &begin, &end);
    job->task(job->arg, core, (int32_t)begin, (int32_t)end);
}

uint32_t vs_interp_cores(void) { return vs_cluster_cores(); }

void vs_interp_barrier(void) { vs_barrier(); }

void vs_interp_parallel(vs_interp_task_t task, void *arg, int32_t items) {
    vs__job_t job = {task, arg, items};
    vs_cluster_fork(vs__run_share, &job);
}

void *vs_interp_fast_alloc(uint32_t bytes) { return vs_l1_alloc(bytes); }

void vs_interp_fast_free(void) { vs_l1_free_all(); }

uint32_t vs_interp_copy_in(void *fast, const void *slow, uint32_t bytes) { return vs_dma_to_l1(fast, slow, bytes); }

uint32_t vs_interp_copy_out(void *slow, const void *fast, uint32_t bytes) { return vs_dma_to_l2(slow, fast, bytes); }

void vs_interp_copy_wait(uint32_t id) { vs_dma_wait(id); }
