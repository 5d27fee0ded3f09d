/*
 * rk_common.h - included first by every lib/ and cmd/ source file.
 *
 * Pulls in the standard headers nearly every file uses, the message and
 * buffer modules, and (last) rk_banned.h.
 *
 * ERRORS, the one convention (rk_msg.h):
 * - A lib/ function that can fail returns 0 (or a count, an index, a
 *   pointer) on success and -1 (or NULL) on failure, filling the caller's
 *   struct rk_err: source, line and col where known (0 otherwise; a
 *   function that does not know where its input came from leaves source
 *   NULL and the caller puts it in its own message), and msg, one line
 *   without the program name. `return rk_err_set(err, ...);`.
 * - Only a tool decides: it prints (rk_err_print, rk_error) and chooses the
 *   exit code (rk_die_err: RK_EXIT_INPUT; rk_die(code, ...)). lib/ never
 *   exits, never writes stdout, never hands back exit codes, char buffers
 *   or rk_buf messages; errno only beside -1 of a thin system-call wrapper
 *   (rk_buf_read_file, rk_write_file_atomic) that says so in its header.
 */
#ifndef RK_COMMON_H
#define RK_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rk_msg.h"
#include "rk_buf.h"

#define RK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "rk_banned.h"

#endif
