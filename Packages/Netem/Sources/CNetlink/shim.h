// The libnl-3 / libnl-route-3 headers the Netem module uses, gathered in one system module.
// Function-like macros (TC_H_MAKE, TC_CAST, ...) do not import into Swift; the Swift side computes
// handles itself and passes the opaque libnl pointers where a cast is needed.
#ifndef VORTEX_CNETLINK_SHIM_H
#define VORTEX_CNETLINK_SHIM_H

#include <linux/if_ether.h>
#include <linux/pkt_sched.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/addr.h>
#include <netlink/addr.h>
#include <netlink/route/tc.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/cls/u32.h>

#endif
