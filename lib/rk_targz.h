/*
 * rk_targz.h - read one member of a gzip-compressed tar archive (an npm
 * .tgz, a cargo .crate) in-process with zlib, as `tar -xzOf ARCHIVE
 * MEMBER` prints it: every regular-file entry named MEMBER, in order.
 * Names come from the ustar name and prefix fields, a GNU long name ('L')
 * or a pax header's path ('x'); sizes from the octal or base-256 field.
 *
 * Returns 0 with the bytes in out (reset first), or -1 with err set to
 * one line naming the archive: it cannot be read, it is not gzip or tar,
 * it ends inside an entry, or it has no such member.
 */
#ifndef RK_TARGZ_H
#define RK_TARGZ_H

#include "rk_buf.h"
#include "rk_msg.h"

int rk_targz_member(const char *archive, const char *member, struct rk_buf *out,
		    struct rk_err *err);

#endif
