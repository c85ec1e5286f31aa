/*
 * match.c - posted receives and unexpected messages, both in arrival
 * order, so the first match is always the oldest (invariant 4).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"

static int matches(int want_src, int32_t want_tag, uint16_t want_ctx,
		   int src, int32_t tag, uint16_t ctx)
{
	return want_ctx == ctx &&
	       (want_src == PB_ANY_SOURCE || want_src == src) &&
	       (want_tag == PB_ANY_TAG || want_tag == tag);
}

struct pb_recvop *pb_match_posted(struct pb_job *j, int source,
				  uint16_t ctx, int32_t tag)
{
	struct pb_recvop **pp = &j->posted_head, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->next) {
		struct pb_recvop *r = *pp;
		if (!matches(r->source, r->tag, r->ctx, source, tag, ctx))
			continue;
		*pp = r->next;
		if (j->posted_tail == r)
			j->posted_tail = prev;
		r->next = NULL;
		return r;
	}
	return NULL;
}

void pb_match_post(struct pb_job *j, struct pb_recvop *rop)
{
	rop->next = NULL;
	if (j->posted_tail)
		j->posted_tail->next = rop;
	else
		j->posted_head = rop;
	j->posted_tail = rop;
}

int pb_match_cancel(struct pb_job *j, struct pb_recvop *rop)
{
	struct pb_recvop **pp = &j->posted_head, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != rop)
			continue;
		*pp = rop->next;
		if (j->posted_tail == rop)
			j->posted_tail = prev;
		return 0;
	}
	return PB_EAGAIN;
}

struct pb_msg *pb_msg_new(struct pb_job *j)
{
	struct pb_msg *m = j->msg_free;
	if (m)
		j->msg_free = m->next;
	else if (!(m = malloc(sizeof(*m))))
		return NULL;
	/* everything but the small buffer, which is only read up to got */
	memset(m, 0, offsetof(struct pb_msg, small));
	return m;
}

int pb_msg_keep(struct pb_msg *m, size_t total)
{
	m->cap = total;
	if (total <= PB_MSG_SMALL) {
		m->buf = m->small;
		return 0;
	}
	m->heap = 1;
	m->alloc = 0;
	m->buf = NULL;
	return 0;
}

int pb_msg_room(struct pb_msg *m, size_t upto)
{
	if (!m->heap || upto <= m->alloc)
		return 0;
	/* grow by doubling, from 64 KiB, never past the message */
	size_t a = m->alloc ? m->alloc : 64 * 1024;
	while (a < upto && a < m->cap)
		a = a > m->cap / 2 ? m->cap : 2 * a;
	if (a < upto)
		a = upto;
	uint8_t *b = realloc(m->buf, a);
	if (!b)
		return PB_ENOMEM;
	m->buf = b;
	m->alloc = a;
	return 0;
}

static void drop_buf(struct pb_msg *m)
{
	if (m->heap)
		free(m->buf);
	m->heap = 0;
	m->buf = NULL;
}

void pb_msg_free(struct pb_job *j, struct pb_msg *m)
{
	drop_buf(m);
	m->next = j->msg_free;
	j->msg_free = m;
}

void pb_msg_free_all(struct pb_job *j)
{
	while (j->unexp_head) {
		struct pb_msg *m = j->unexp_head;
		j->unexp_head = m->next;
		drop_buf(m);
		free(m);
	}
	j->unexp_tail = NULL;
	while (j->msg_free) {
		struct pb_msg *m = j->msg_free;
		j->msg_free = m->next;
		free(m);
	}
}

void pb_unexp_add(struct pb_job *j, struct pb_msg *m)
{
	m->next = NULL;
	if (j->unexp_tail)
		j->unexp_tail->next = m;
	else
		j->unexp_head = m;
	j->unexp_tail = m;
}

struct pb_msg *pb_unexp_find(struct pb_job *j, int source, uint16_t ctx,
			     int32_t tag, int remove)
{
	struct pb_msg **pp = &j->unexp_head, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->next) {
		struct pb_msg *m = *pp;
		if (!matches(source, tag, ctx, m->source, m->tag, m->ctx))
			continue;
		if (remove) {
			*pp = m->next;
			if (j->unexp_tail == m)
				j->unexp_tail = prev;
			m->next = NULL;
		}
		return m;
	}
	return NULL;
}

void pb_recv_complete(struct pb_recvop *rop, int source, int32_t tag,
		      size_t total)
{
	rop->st.source = source;
	rop->st.tag = tag;
	rop->st.len = total;
	rop->st.error = total > rop->cap ? PB_ETRUNC : 0;
	rop->done = 1;
}

void pb_msg_claim(struct pb_job *j, struct pb_msg *m, struct pb_recvop *rop)
{
	size_t have = m->got < rop->cap ? m->got : rop->cap;
	if (have)
		memcpy(rop->buf, m->buf, have);
	if (m->complete) {
		pb_recv_complete(rop, m->source, m->tag, m->total);
		pb_msg_free(j, m);
		return;
	}
	drop_buf(m);
	/* still arriving in pieces: the rest goes straight to the user */
	m->buf = rop->buf;
	m->cap = rop->cap;
	m->rop = rop;
}

int pb_recv_start(struct pb_job *j, int source, uint16_t ctx, int32_t tag,
		  void *buf, size_t cap, struct pb_recvop *rop)
{
	memset(rop, 0, sizeof(*rop));
	rop->buf = buf;
	rop->cap = cap;
	rop->source = source;
	rop->tag = tag;
	rop->ctx = ctx;
	struct pb_msg *m = pb_unexp_find(j, source, ctx, tag, 1);
	if (m)
		pb_msg_claim(j, m, rop);
	else
		pb_match_post(j, rop);
	return 0;
}
