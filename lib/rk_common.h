/*
 * rk_common.h - included first by every lib/ and cmd/ source file.
 *
 * Pulls in the standard headers nearly every file uses, the message and
 * buffer modules, and (last) rk_banned.h.
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
