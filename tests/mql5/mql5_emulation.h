// The MQL5 builtins MasterSender.mq5 uses, for g++. Include before the rewritten EA source.
#pragma once
#include "emu/types.h"
#include "emu/arrays.h"
#include "emu/strings.h"
#include "emu/runtime.h"
#include "emu/sockets.h"
#include "emu/alerts.h"
#include "emu/terminal.h"
