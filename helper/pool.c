// SPDX-License-Identifier: GPL-2.0
/*
 * Thread pool: a bounded FIFO of finished objects and the workers that scan
 * them and send their verdicts, and a small FIFO of checks (the first bytes
 * of objects whose sender waits, NFAV_CMD_OBJECT_CHECK).  Checks run only
 * when no finished object waits: a peer that provokes checks cannot delay
 * the verdicts of whole objects.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfavd.h"

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static struct job *queue_head, *queue_tail;	/* protected by pool_lock */
static unsigned int queue_len, queue_max;	/* protected by pool_lock */
static struct job *check_head, *check_tail;	/* protected by pool_lock */
static unsigned int check_len;			/* protected by pool_lock */
static bool pool_stopping;			/* protected by pool_lock */

static pthread_t *workers;
static unsigned int nworkers;

void job_free(struct job *job)
{
	if (job->fd >= 0)
		close(job->fd);
	free(job->encoding);
	free(job);
}

static void job_scan(struct job *job)
{
	struct scan_result r;
	struct engine *e;

	e = engine_get();
	if (!e) {	/* cannot happen: an engine is loaded before start */
		scan_error(&r, NFAV_REASON_DEFAULT, "no engine");
		kernel_send_verdict(job, &r);
		return;
	}
	content_scan(e, job->fd, job->encoding, job->max_layers, &r);
	engine_put(e);
	kernel_send_verdict(job, &r);
}

static void *worker_main(void *arg)
{
	struct job *job;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&pool_lock);
		while (!queue_head && !check_head && !pool_stopping)
			pthread_cond_wait(&pool_cond, &pool_lock);
		if (pool_stopping) {
			pthread_mutex_unlock(&pool_lock);
			return NULL;
		}
		if (queue_head) {
			job = queue_head;
			queue_head = job->next;
			if (!queue_head)
				queue_tail = NULL;
			queue_len--;
		} else {
			job = check_head;
			check_head = job->next;
			if (!check_head)
				check_tail = NULL;
			check_len--;
		}
		pthread_mutex_unlock(&pool_lock);

		job_scan(job);
		job_free(job);
	}
}

int pool_start(unsigned int threads, unsigned int qmax)
{
	unsigned int i;
	int err;

	queue_max = qmax;
	workers = calloc(threads, sizeof(*workers));
	if (!workers) {
		log_err("cannot start the scan threads: out of memory");
		return -1;
	}
	for (i = 0; i < threads; i++) {
		err = pthread_create(&workers[i], NULL, worker_main, NULL);
		if (err) {
			log_err("cannot start scan thread %u: %s", i,
				strerror(err));
			pool_stop();
			return -1;
		}
		nworkers++;
	}
	log_info("%u scan threads, queue of %u objects", threads, qmax);
	return 0;
}

/*
 * Queue @job (a check when job->checked); -EAGAIN when its queue is full or
 * the pool is stopping.
 */
int pool_submit(struct job *job)
{
	struct job **head = job->checked ? &check_head : &queue_head;
	struct job **tail = job->checked ? &check_tail : &queue_tail;
	unsigned int *len = job->checked ? &check_len : &queue_len;
	unsigned int max = job->checked ? CHECK_QUEUE_MAX : queue_max;

	pthread_mutex_lock(&pool_lock);
	if (pool_stopping || *len >= max) {
		pthread_mutex_unlock(&pool_lock);
		return -EAGAIN;
	}
	job->next = NULL;
	if (*tail)
		(*tail)->next = job;
	else
		*head = job;
	*tail = job;
	(*len)++;
	pthread_cond_signal(&pool_cond);
	pthread_mutex_unlock(&pool_lock);
	return 0;
}

/* Drop the queued (not yet running) jobs.  Returns how many. */
unsigned int pool_flush(void)
{
	struct job *job, *next;
	unsigned int n = 0;

	struct job *checks;

	pthread_mutex_lock(&pool_lock);
	job = queue_head;
	queue_head = queue_tail = NULL;
	queue_len = 0;
	checks = check_head;
	check_head = check_tail = NULL;
	check_len = 0;
	pthread_mutex_unlock(&pool_lock);

	for (; job; job = next) {
		next = job->next;
		job_free(job);
		n++;
	}
	for (job = checks; job; job = next) {
		next = job->next;
		job_free(job);
		n++;
	}
	return n;
}

/* Let running scans finish, drop the queued ones, reap the threads. */
void pool_stop(void)
{
	unsigned int i;

	pthread_mutex_lock(&pool_lock);
	pool_stopping = true;
	pthread_cond_broadcast(&pool_cond);
	pthread_mutex_unlock(&pool_lock);

	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	nworkers = 0;
	free(workers);
	workers = NULL;
	pool_flush();
}
