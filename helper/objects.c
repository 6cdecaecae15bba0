// SPDX-License-Identifier: GPL-2.0
/*
 * Objects being received: a hash table keyed by the kernel's object id, the
 * content of each object in its own memfd.
 *
 * Only the main (receive) thread touches the table; an object leaves it on
 * OBJECT_END, when its memfd is handed to the thread pool, or when it is
 * dropped (abort, family loss, expiry).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nfavd.h"

#define OBJECT_HASH_BITS 12
#define OBJECT_HASH_SIZE (1u << OBJECT_HASH_BITS)

static struct object *object_hash[OBJECT_HASH_SIZE];
static unsigned int object_count;

static unsigned int hash_id(uint64_t id)
{
	return (unsigned int)((id * 0x9e3779b97f4a7c15ull) >>
			      (64 - OBJECT_HASH_BITS));
}

time_t monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void object_fail(struct object *o, enum nfav_reason reason)
{
	if (o->error == NFAV_REASON_NONE)
		o->error = reason;
	if (o->fd >= 0) {
		close(o->fd);	/* give the memory back now */
		o->fd = -1;
	}
}

/* Start object @id.  NULL only if even the bookkeeping cannot be allocated. */
struct object *objects_begin(uint64_t id, const char *desc,
			     struct object_meta *meta)
{
	unsigned int h = hash_id(id);
	struct object *o;

	o = objects_find(id);
	if (o) {
		log_warn("object %llu begins again: dropping the old one",
			 (unsigned long long)id);
		objects_remove(o);
		object_free(o);
	}

	o = calloc(1, sizeof(*o));
	if (!o) {
		log_err("object %llu: out of memory", (unsigned long long)id);
		free(meta->encoding);
		meta->encoding = NULL;
		return NULL;
	}
	o->id = id;
	o->last = monotonic_now();
	o->encoding = meta->encoding;
	meta->encoding = NULL;
	o->max_layers = meta->max_layers;
	snprintf(o->desc, sizeof(o->desc), "%s", desc);
	o->fd = memfd_create("nfavd-object", MFD_CLOEXEC);
	if (o->fd < 0) {
		log_err("object %llu: memfd_create: %s",
			(unsigned long long)id, strerror(errno));
		o->error = NFAV_REASON_OUT_OF_RESOURCES;
	}
	if (meta->error != NFAV_REASON_NONE)
		object_fail(o, meta->error);

	o->next = object_hash[h];
	object_hash[h] = o;
	object_count++;
	return o;
}

struct object *objects_find(uint64_t id)
{
	struct object *o;

	for (o = object_hash[hash_id(id)]; o; o = o->next)
		if (o->id == id)
			return o;
	return NULL;
}

/* Append content; it must continue exactly where the last chunk ended. */
void objects_data(struct object *o, uint64_t offset, const void *data,
		  size_t len)
{
	const char *p = data;

	o->last = monotonic_now();
	if (o->error != NFAV_REASON_NONE)
		return;

	if (offset != o->size) {
		log_warn("object %llu: data at offset %llu, expected %llu: "
			 "content lost", (unsigned long long)o->id,
			 (unsigned long long)offset,
			 (unsigned long long)o->size);
		object_fail(o, NFAV_REASON_DEFAULT);
		return;
	}

	while (len) {
		ssize_t n = pwrite(o->fd, p, len, (off_t)o->size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_err("object %llu: cannot store content: %s",
				(unsigned long long)o->id,
				n < 0 ? strerror(errno) : "short write");
			object_fail(o, NFAV_REASON_OUT_OF_RESOURCES);
			return;
		}
		p += n;
		len -= (size_t)n;
		o->size += (uint64_t)n;
	}
}

void objects_remove(struct object *o)
{
	struct object **pp;

	for (pp = &object_hash[hash_id(o->id)]; *pp; pp = &(*pp)->next) {
		if (*pp == o) {
			*pp = o->next;
			o->next = NULL;
			object_count--;
			return;
		}
	}
}

void object_free(struct object *o)
{
	if (o->fd >= 0)
		close(o->fd);
	free(o->encoding);
	free(o);
}

static unsigned int objects_drop_if(bool all, time_t before)
{
	unsigned int n = 0, h;

	for (h = 0; h < OBJECT_HASH_SIZE; h++) {
		struct object **pp = &object_hash[h];

		while (*pp) {
			struct object *o = *pp;

			if (all || o->last < before) {
				*pp = o->next;
				object_count--;
				object_free(o);
				n++;
			} else {
				pp = &o->next;
			}
		}
	}
	return n;
}

/* Drop every object (the kernel side is gone).  Returns how many. */
unsigned int objects_clear(void)
{
	return objects_drop_if(true, 0);
}

/*
 * Drop objects that saw no message for @idle seconds: their end was lost.
 * Should one still end, it is answered with an error verdict.
 */
unsigned int objects_expire(time_t idle)
{
	return objects_drop_if(false, monotonic_now() - idle);
}

unsigned int objects_count(void)
{
	return object_count;
}
