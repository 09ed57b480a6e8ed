// SPDX-License-Identifier: GPL-2.0
/*
 * The SHA-256 of every module image the kernel lays out: the bytes
 * load_module() was given (init_module's copy of the caller's buffer, or
 * finit_module's file as read, after in-kernel decompression).
 *
 * Hashing tens of MiB cannot happen in a probe handler, so it happens in
 * the loading task as the module comes: the MODULE_STATE_COMING notifiers
 * run there, may sleep, and run before load_module() frees its copy of the
 * image. By then the kernel has rewritten two parts of that copy in place:
 * the section header table (sh_addr, sh_flags, sh_entsize, from
 * rewrite_section_headers() on) and, on 6.1, the .gnu.linkonce.this_module
 * section (check_modinfo() taints info->mod). The load_module probe copies
 * those two parts first, a few KiB, and the hash reads them from the copy
 * and everything else from the image. The call's return takes the result
 * for its exit record (MODTRACE_ATTR_IMAGE).
 *
 * With capture on (capture_max_bytes, and a reader that asked), the same
 * pass copies the bytes it hashes into a buffer of the image's size, taken
 * from that budget: the copy is what was hashed. The return hands the copy
 * to the worker (modtrace_capture_queue()), which sends it to the readers
 * that asked and frees it; a copy that does not fit, or finds no memory, is
 * not made, and the load goes on as ever.
 *
 * A slot is claimed by cmpxchg of its thread's id, and afterwards only that
 * thread touches it: the probe, the notifier and the return, in that order.
 *
 * The same slot carries where a module that came live is missing from
 * (MODTRACE_ATTR_HIDDEN_FROM): the MODULE_STATE_LIVE notifiers run in the
 * loading task once the init has returned, which is when a module that
 * hides itself at load has done so. Where it is missing from is read by
 * hidden.c, which also keeps watching the module after its load.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/atomic.h>
#include <linux/elf.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "modtrace.h"

#define MT_IMAGE_SLOTS		16
/* per slot: the section header table and this_module (176 sections) */
#define MT_IMAGE_SAVE		12288
/* bytes hashed between two chances to reschedule */
#define MT_IMAGE_CHUNK		16384

#define MT_THIS_MODULE_SEC	".gnu.linkonce.this_module"

/* Slot states; the first three as the return reports them */
enum {
	MT_SLOT_SAVED = 1,	/* probe done: the parts are in buf */
	MT_SLOT_UNSAVED,	/* probe could not keep them */
	MT_SLOT_HASHED,		/* notifier done: sha256 */
	MT_SLOT_UNKEPT,		/* came, and could not be hashed */
};

struct mt_saved_part {
	u64 off;		/* in the image */
	u32 len;
	u32 at;			/* in buf */
};

struct mt_image_slot {
	atomic_t tid;		/* of the loading thread, 0 when free */
	u32 state;
	const u8 *hdr;
	u64 len;		/* as load_module() got it: signature included */
	unsigned int nr_parts;
	struct mt_saved_part parts[2];	/* in image order */
	u8 sha256[SHA256_DIGEST_SIZE];
	char name[MODULE_NAME_LEN];
	bool live;		/* came live: hidden_from is set */
	u32 hidden_from;	/* MODTRACE_HIDDEN_F_* */
	u32 capture_state;	/* MODTRACE_CAPTURE_* */
	struct mt_capture *cap;	/* the copy, until the return hands it on */
	u8 *buf;		/* MT_IMAGE_SAVE bytes */
};

static struct mt_image_slot mt_images[MT_IMAGE_SLOTS];
static struct crypto_shash *mt_sha256;
static atomic64_t mt_image_unkept = ATOMIC64_INIT(0);
/* bytes of every capture not yet freed, against capture_max_bytes */
static atomic64_t mt_capture_held = ATOMIC64_INIT(0);
static atomic64_t mt_capture_over_budget = ATOMIC64_INIT(0);
static atomic64_t mt_capture_no_memory = ATOMIC64_INIT(0);
static atomic64_t mt_captured = ATOMIC64_INIT(0);

static struct mt_image_slot *mt_image_find(void)
{
	unsigned int i;

	for (i = 0; i < MT_IMAGE_SLOTS; i++)
		if (atomic_read(&mt_images[i].tid) == current->pid)
			return &mt_images[i];
	return NULL;
}

static struct mt_image_slot *mt_image_claim(void)
{
	struct mt_image_slot *slot = mt_image_find();
	unsigned int i;

	/* a load whose return was missed left its slot to its thread */
	if (slot)
		return slot;
	for (i = 0; i < MT_IMAGE_SLOTS; i++)
		if (!atomic_cmpxchg(&mt_images[i].tid, 0, current->pid))
			return &mt_images[i];
	return NULL;
}

/* Whether [off, off + len) lies within an image of @size bytes. */
static bool mt_within(u64 off, u64 len, u64 size)
{
	return off <= size && len <= size - off;
}

/*
 * Find the section header table and this_module in the image, with bounds
 * checks of our own: the kernel has not validated the ELF yet. 64-bit ELF:
 * the kernel's Elf_Ehdr and Elf_Shdr on the 64-bit kernels modtrace builds
 * for.
 */
static bool mt_image_locate(struct mt_image_slot *slot)
{
	const struct elf64_hdr *eh = (const struct elf64_hdr *)slot->hdr;
	const struct elf64_shdr *sh, *strs;
	u64 shlen, name_max;
	unsigned int i;

	if (slot->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shstrndx >= eh->e_shnum)
		return false;
	shlen = (u64)eh->e_shnum * sizeof(*sh);
	if (!mt_within(eh->e_shoff, shlen, slot->len) ||
	    shlen > MT_IMAGE_SAVE)
		return false;
	sh = (const struct elf64_shdr *)(slot->hdr + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	if (!mt_within(strs->sh_offset, strs->sh_size, slot->len))
		return false;
	slot->parts[0] = (struct mt_saved_part){ eh->e_shoff, shlen, 0 };
	slot->nr_parts = 1;
	for (i = 1; i < eh->e_shnum; i++) {
		const char *name = (const char *)slot->hdr +
				   strs->sh_offset + sh[i].sh_name;
		struct mt_saved_part *mod = &slot->parts[1];

		if (sh[i].sh_name >= strs->sh_size)
			continue;
		name_max = strs->sh_size - sh[i].sh_name;
		if (strnlen(name, name_max) == name_max ||
		    strcmp(name, MT_THIS_MODULE_SEC))
			continue;
		if (sh[i].sh_type == SHT_NOBITS ||
		    !mt_within(sh[i].sh_offset, sh[i].sh_size, slot->len) ||
		    sh[i].sh_size > MT_IMAGE_SAVE - shlen)
			return false;
		*mod = (struct mt_saved_part){ sh[i].sh_offset, sh[i].sh_size,
					       shlen };
		/* the two parts in image order, and apart */
		if (mod->off < eh->e_shoff)
			swap(slot->parts[0], slot->parts[1]);
		if (slot->parts[0].off + slot->parts[0].len >
		    slot->parts[1].off)
			return false;
		slot->nr_parts = 2;
		break;
	}
	return true;
}

/*
 * load_module() entry, from its kprobe (preemption off): note the image
 * and copy what the kernel will rewrite. @info is its struct load_info.
 */
void modtrace_image_enter(const struct mt_load_info_head *info)
{
	struct mt_image_slot *slot;
	unsigned int i;

	if (!mt_sha256)
		return;
	slot = mt_image_claim();
	if (!slot) {
		atomic64_inc(&mt_image_unkept);
		return;
	}
	slot->hdr = (const u8 *)info->hdr;
	slot->len = info->len;
	slot->nr_parts = 0;
	slot->name[0] = '\0';
	slot->live = false;
	slot->state = MT_SLOT_UNSAVED;
	slot->capture_state = MODTRACE_CAPTURE_OFF;
	/* a copy left by a call whose return was missed: the worker frees it */
	if (slot->cap) {
		slot->cap->orphan = true;
		modtrace_capture_queue(slot->cap);
		slot->cap = NULL;
	}
	if (!mt_image_locate(slot))
		return;
	for (i = 0; i < slot->nr_parts; i++)
		memcpy(slot->buf + slot->parts[i].at,
		       slot->hdr + slot->parts[i].off, slot->parts[i].len);
	slot->state = MT_SLOT_SAVED;
}

/* Hash @len bytes at @p, copying them to @copy unless it is NULL. */
static int mt_hash_span(struct shash_desc *desc, const u8 *p, u64 len,
			u8 *copy)
{
	int err = 0;

	while (len && !err) {
		unsigned int n = min_t(u64, len, MT_IMAGE_CHUNK);

		err = crypto_shash_update(desc, p, n);
		if (copy) {
			memcpy(copy, p, n);
			copy += n;
		}
		p += n;
		len -= n;
		cond_resched();
	}
	return err;
}

void modtrace_capture_free(struct mt_capture *cap)
{
	atomic64_sub(cap->len, &mt_capture_held);
	kvfree(cap->data);
	kfree(cap);
}

/*
 * A copy of the image for the readers that capture, if capture is on and
 * it fits in what the budget leaves; else NULL, and why in the slot.
 */
static struct mt_capture *mt_capture_alloc(struct mt_image_slot *slot)
{
	unsigned long max = READ_ONCE(modtrace_capture_max_bytes);
	struct mt_capture *cap;

	if (!max || !modtrace_capture_wanted())
		return NULL;
	if (slot->len > max ||
	    atomic64_add_return(slot->len, &mt_capture_held) > max) {
		if (slot->len <= max)
			atomic64_sub(slot->len, &mt_capture_held);
		slot->capture_state = MODTRACE_CAPTURE_OVER_BUDGET;
		atomic64_inc(&mt_capture_over_budget);
		return NULL;
	}
	cap = kzalloc(sizeof(*cap), GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
	if (cap)
		cap->data = kvmalloc(slot->len,
				     GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
	if (!cap || !cap->data) {
		kfree(cap);
		atomic64_sub(slot->len, &mt_capture_held);
		slot->capture_state = MODTRACE_CAPTURE_NO_MEMORY;
		atomic64_inc(&mt_capture_no_memory);
		return NULL;
	}
	cap->len = slot->len;
	return cap;
}

/*
 * In the loading task, as the module comes: may sleep. The bytes hashed,
 * the saved parts from buf and the rest from the image, go to @cap's copy
 * too if there is one.
 */
static int mt_image_hash(struct mt_image_slot *slot, struct mt_capture *cap)
{
	SHASH_DESC_ON_STACK(desc, mt_sha256);
	u8 *copy = cap ? cap->data : NULL;
	u64 pos = 0;
	unsigned int i;
	int err;

	desc->tfm = mt_sha256;
	err = crypto_shash_init(desc);
	for (i = 0; i < slot->nr_parts && !err; i++) {
		const struct mt_saved_part *part = &slot->parts[i];

		err = mt_hash_span(desc, slot->hdr + pos, part->off - pos,
				   copy ? copy + pos : NULL);
		if (!err)
			err = crypto_shash_update(desc, slot->buf + part->at,
						  part->len);
		if (!err && copy)
			memcpy(copy + part->off, slot->buf + part->at,
			       part->len);
		pos = part->off + part->len;
	}
	if (!err)
		err = mt_hash_span(desc, slot->hdr + pos, slot->len - pos,
				   copy ? copy + pos : NULL);
	if (!err)
		err = crypto_shash_final(desc, slot->sha256);
	shash_desc_zero(desc);
	return err;
}

static int mt_module_event(struct notifier_block *nb, unsigned long state,
			   void *data)
{
	struct module *mod = data;
	struct mt_image_slot *slot;
	struct mt_capture *cap;

	if (state != MODULE_STATE_COMING && state != MODULE_STATE_LIVE)
		return NOTIFY_DONE;
	slot = mt_image_find();
	if (!slot)
		return NOTIFY_DONE;
	if (state == MODULE_STATE_LIVE) {
		slot->hidden_from = modtrace_hidden_from(mod);
		slot->live = true;
		return NOTIFY_DONE;
	}
	strscpy(slot->name, mod->name, sizeof(slot->name));
	cap = slot->state == MT_SLOT_SAVED ? mt_capture_alloc(slot) : NULL;
	if (slot->state == MT_SLOT_SAVED && !mt_image_hash(slot, cap)) {
		slot->state = MT_SLOT_HASHED;
		if (cap) {
			memcpy(cap->sha256, slot->sha256, sizeof(cap->sha256));
			slot->cap = cap;
			slot->capture_state = MODTRACE_CAPTURE_HELD;
			atomic64_inc(&mt_captured);
		}
	} else {
		if (cap)
			modtrace_capture_free(cap);
		slot->state = MT_SLOT_UNKEPT;
		atomic64_inc(&mt_image_unkept);
	}
	return NOTIFY_DONE;
}

static struct notifier_block mt_module_nb = {
	.notifier_call = mt_module_event,
};

/*
 * An init_module or finit_module return, in its thread: put what became of
 * the call's image, if the kernel read one, into @rec (NULL: the record is
 * lost) and free the slot.
 */
void modtrace_image_take(struct mt_record *rec)
{
	struct mt_image_slot *slot = mt_image_find();

	if (!slot)
		return;
	if (!rec)
		goto free;
	rec->exit.image_len = slot->len;
	switch (slot->state) {
	case MT_SLOT_HASHED:
		rec->exit.image_state = MODTRACE_IMAGE_HASHED;
		memcpy(rec->exit.sha256, slot->sha256, sizeof(slot->sha256));
		rec->exit.capture_state = slot->capture_state;
		break;
	case MT_SLOT_UNKEPT:
		rec->exit.image_state = MODTRACE_IMAGE_UNKEPT;
		break;
	default:
		rec->exit.image_state = MODTRACE_IMAGE_REFUSED;
		break;
	}
	strscpy(rec->exit.name, slot->name, sizeof(rec->exit.name));
	rec->exit.hidden_checked = slot->live;
	rec->exit.hidden_from = slot->hidden_from;
free:
	/* to the worker, which sends it after this record, or frees it */
	if (slot->cap) {
		slot->cap->orphan = !rec;
		modtrace_capture_queue(slot->cap);
		slot->cap = NULL;
	}
	atomic_set_release(&slot->tid, 0);
}

void modtrace_capture_stats(struct mt_capture_stats *st)
{
	st->held_bytes = atomic64_read(&mt_capture_held);
	st->over_budget = atomic64_read(&mt_capture_over_budget);
	st->no_memory = atomic64_read(&mt_capture_no_memory);
	st->captured = atomic64_read(&mt_captured);
}

u64 modtrace_image_unkept(void)
{
	return atomic64_read(&mt_image_unkept);
}

/*
 * Before the probes: a load that the load_module probe saw must find the
 * notifier in place, or it would be reported refused.
 */
int modtrace_image_init(void)
{
	struct crypto_shash *tfm;
	unsigned int i;
	int err;

	for (i = 0; i < MT_IMAGE_SLOTS; i++) {
		mt_images[i].buf = kvmalloc(MT_IMAGE_SAVE, GFP_KERNEL);
		if (!mt_images[i].buf) {
			err = -ENOMEM;
			goto free_bufs;
		}
	}
	tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		pr_err("no sha256 (%d)\n", err);
		goto free_bufs;
	}
	err = register_module_notifier(&mt_module_nb);
	if (err)
		goto free_tfm;
	mt_sha256 = tfm;
	return 0;

free_tfm:
	crypto_free_shash(tfm);
free_bufs:
	for (i = 0; i < MT_IMAGE_SLOTS; i++) {
		kvfree(mt_images[i].buf);
		mt_images[i].buf = NULL;
	}
	return err;
}

/* After the probes are gone: no handler or return is left to run. */
void modtrace_image_exit(void)
{
	unsigned int i;

	unregister_module_notifier(&mt_module_nb);
	crypto_free_shash(mt_sha256);
	mt_sha256 = NULL;
	for (i = 0; i < MT_IMAGE_SLOTS; i++) {
		kvfree(mt_images[i].buf);
		mt_images[i].buf = NULL;
		if (mt_images[i].cap)
			modtrace_capture_free(mt_images[i].cap);
		mt_images[i].cap = NULL;
		atomic_set(&mt_images[i].tid, 0);
	}
}
