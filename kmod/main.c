// SPDX-License-Identifier: GPL-2.0
/*
 * nfav: gateway antivirus for forwarded TCP application traffic.
 *
 * Module and network namespace lifetime.  Everything nfav knows lives in a
 * struct nfav_net, one per network namespace.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/netlink.h>
#include <linux/sched/task.h>

#include "nfav.h"

static unsigned int nfav_net_id __read_mostly;
bool nfav_unloading __read_mostly;

/*
 * Limits over all network namespaces together, so that namespaces (which any
 * user may create where user namespaces are allowed) do not multiply them.
 */
unsigned int nfav_max_flows_total __read_mostly = 131072;
module_param_named(max_flows_total, nfav_max_flows_total, uint, 0644);
MODULE_PARM_DESC(max_flows_total, "Flows tracked in all namespaces together (default 131072)");

static unsigned int nfav_max_held_kb __read_mostly = 256 * 1024;
module_param_named(max_held_kb, nfav_max_held_kb, uint, 0644);
MODULE_PARM_DESC(max_held_kb, "KiB of packet memory (skb truesize) held in all namespaces together (default 262144)");

/*
 * By default only CAP_NET_ADMIN in the initial user namespace configures
 * nfav, registers a daemon or sends verdicts, and only namespaces owned by
 * the initial user namespace are scanned.  userns_admin=1 extends both to
 * namespaces owned by other user namespaces (containers that run their own
 * nfavd).
 */
static bool nfav_userns_admin __read_mostly;
module_param_named(userns_admin, nfav_userns_admin, bool, 0444);
MODULE_PARM_DESC(userns_admin, "Let CAP_NET_ADMIN of a namespace's own user namespace administer and scan it (default off)");

/*
 * Nothing is released without a copy: a budget too small for one
 * connection's copies would stop all scanned traffic.  Values below 1 MiB
 * are refused.
 */
static int nfav_param_set_sent_kb(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v < 1024)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops nfav_sent_kb_ops = {
	.set = nfav_param_set_sent_kb,
	.get = param_get_uint,
};

static unsigned int nfav_max_sent_kb __read_mostly = 64 * 1024;
module_param_cb(max_sent_kb, &nfav_sent_kb_ops, &nfav_max_sent_kb, 0644);
MODULE_PARM_DESC(max_sent_kb, "KiB of copies of released, unacknowledged payload in all namespaces together (default 65536, at least 1024)");

static unsigned int nfav_max_sent_ns_kb __read_mostly = 16 * 1024;
module_param_cb(max_sent_ns_kb, &nfav_sent_kb_ops, &nfav_max_sent_ns_kb, 0644);
MODULE_PARM_DESC(max_sent_ns_kb, "KiB of copies of released, unacknowledged payload in one namespace (default 16384, at least 1024)");

static atomic_long_t nfav_held_mem = ATOMIC_LONG_INIT(0);
static atomic_long_t nfav_sent_mem = ATOMIC_LONG_INIT(0);

/*
 * Set while the module registers its per-namespace state: the namespaces
 * that exist then are charged to the root memory cgroup (not to the one of
 * the task that happens to load the module).
 */
static bool nfav_loading;

/* Add @n to @used unless that passes @limit_kb KiB. */
static bool nfav_budget_charge(atomic_long_t *used, unsigned int limit_kb,
			       u32 n)
{
	long limit = (long)limit_kb << 10;

	if (atomic_long_add_return(n, used) > limit) {
		atomic_long_sub(n, used);
		return false;
	}
	return true;
}

/**
 * nfav_mem_charge - account @truesize bytes of held packets, globally
 * @truesize: skb truesize
 *
 * Return: false (nothing charged) if that would exceed max_held_kb.
 */
bool nfav_mem_charge(u32 truesize)
{
	return nfav_budget_charge(&nfav_held_mem, READ_ONCE(nfav_max_held_kb),
				  truesize);
}

void nfav_mem_uncharge(u32 truesize)
{
	atomic_long_sub(truesize, &nfav_held_mem);
}

/*
 * The same for copies of released bytes (nfav_sent_record()): max_sent_kb
 * for all namespaces, max_sent_ns_kb for each, so that one namespace's
 * connections whose receivers do not acknowledge take at most its share.
 */
bool nfav_sent_room(struct nfav_net *nn, u32 size)
{
	long global = (long)READ_ONCE(nfav_max_sent_kb) << 10;
	long own = (long)READ_ONCE(nfav_max_sent_ns_kb) << 10;

	return atomic_long_read(&nfav_sent_mem) + size <= global &&
	       atomic_long_read(&nn->sent_mem) + size <= own;
}

/* More than half of either budget is used. */
bool nfav_sent_pressure(struct nfav_net *nn)
{
	long global = (long)READ_ONCE(nfav_max_sent_kb) << 10;
	long own = (long)READ_ONCE(nfav_max_sent_ns_kb) << 10;

	return atomic_long_read(&nfav_sent_mem) > global / 2 ||
	       atomic_long_read(&nn->sent_mem) > own / 2;
}

bool nfav_sent_charge(struct nfav_net *nn, u32 size)
{
	if (!nfav_budget_charge(&nn->sent_mem,
				READ_ONCE(nfav_max_sent_ns_kb), size))
		return false;
	if (!nfav_budget_charge(&nfav_sent_mem, READ_ONCE(nfav_max_sent_kb),
				size)) {
		atomic_long_sub(size, &nn->sent_mem);
		return false;
	}
	return true;
}

void nfav_sent_uncharge(struct nfav_net *nn, u32 size)
{
	atomic_long_sub(size, &nn->sent_mem);
	atomic_long_sub(size, &nfav_sent_mem);
}

/**
 * nfav_net_admin - may the sender of @skb administer nfav in @net?
 * @net: the namespace the request is for
 * @skb: the request
 */
bool nfav_net_admin(const struct net *net, struct sk_buff *skb)
{
	if (netlink_capable(skb, CAP_NET_ADMIN))
		return true;
	return READ_ONCE(nfav_userns_admin) &&
	       netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN);
}

static bool nfav_net_scanned(const struct net *net)
{
	return net->user_ns == &init_user_ns || READ_ONCE(nfav_userns_admin);
}

struct nfav_net *nfav_pernet(const struct net *net)
{
	return net_generic(net, nfav_net_id);
}

/*
 * Unloading: the daemon channel's workers must be finished before the
 * family they send on is unregistered (nfav_unloading stops new work).
 */
static void nfav_scan_quiesce(void)
{
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net)
		cancel_delayed_work_sync(&nfav_pernet(net)->tx_work);
	up_read(&net_rwsem);
}

/*
 * The memory cgroup a new namespace's nfav memory is charged to: its
 * creator's.  For the namespaces there at load, the root one (charged to
 * no cgroup; NULL would charge the task that happens to run the code).
 */
static struct mem_cgroup *nfav_net_memcg(void)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;

	if (!nfav_loading)
		return get_mem_cgroup_from_mm(current->mm);
	if (mem_cgroup_disabled())
		return NULL;
	rcu_read_lock();
	memcg = mem_cgroup_from_task(&init_task);
	css_get(&memcg->css);
	rcu_read_unlock();
	return memcg;
#else
	return NULL;
#endif
}

static int __net_init nfav_net_init(struct net *net)
{
	struct nfav_net *nn = nfav_pernet(net);
	struct nfav_config *cfg;
	int ret;

	nn->net = net;
	nn->memcg = nfav_net_memcg();
	mutex_init(&nn->config_lock);
	spin_lock_init(&nn->daemon_lock);
	atomic_set(&nn->nflows, 0);
	atomic_set(&nn->pending, 0);
	atomic_set(&nn->checks, 0);
	atomic64_set(&nn->held_bytes, 0);
	atomic_long_set(&nn->sent_mem, 0);

	cfg = nfav_config_default();
	if (!cfg) {
		ret = -ENOMEM;
		goto err_cfg;
	}
	RCU_INIT_POINTER(nn->config, cfg);

	ret = nfav_scan_init(nn);
	if (ret)
		goto err_scan;
	ret = nfav_flows_init(nn);
	if (ret)
		goto err_flows;
	if (!nfav_net_scanned(net))
		return 0;
	ret = nfav_hooks_register(net);
	if (ret)
		goto err_hooks;
	nn->hooks_registered = true;
	return 0;

err_hooks:
	nfav_flows_exit(nn);
err_flows:
	nfav_scan_exit(nn);
err_scan:
	nfav_config_free(cfg);
	RCU_INIT_POINTER(nn->config, NULL);
err_cfg:
	mem_cgroup_put(nn->memcg);
	return ret;
}

static void __net_exit nfav_net_pre_exit(struct net *net)
{
	struct nfav_net *nn = nfav_pernet(net);

	/* No new packets reach us once the hooks are gone. */
	if (nn->hooks_registered) {
		nfav_hooks_unregister(net);
		nn->hooks_registered = false;
	}
	/*
	 * Held packets pin the namespace's devices: free them now, before
	 * the devices are unregistered (which waits for their references).
	 */
	nfav_flows_exit(nn);
}

static void __net_exit nfav_net_exit(struct net *net)
{
	struct nfav_net *nn = nfav_pernet(net);

	nfav_scan_exit(nn);
	nfav_config_free(rcu_dereference_protected(nn->config, true));
	RCU_INIT_POINTER(nn->config, NULL);
	mem_cgroup_put(nn->memcg);
}

static struct pernet_operations nfav_net_ops = {
	.init = nfav_net_init,
	.pre_exit = nfav_net_pre_exit,
	.exit = nfav_net_exit,
	.id = &nfav_net_id,
	.size = sizeof(struct nfav_net),
};

/* Held packets keep references to their devices: let them go on DOWN. */
static int nfav_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nfav_net *nn = nfav_pernet(dev_net(dev));

	/*
	 * Not while unloading: unregistering the notifier replays DOWN for
	 * every device, and held packets are released by the pernet exit.
	 * Not in a dying namespace either: its flows are gone already.
	 */
	if (READ_ONCE(nfav_unloading) || READ_ONCE(nn->dying))
		return NOTIFY_DONE;
	if (event == NETDEV_DOWN || event == NETDEV_UNREGISTER)
		nfav_flows_flush_dev(nn, dev);
	return NOTIFY_DONE;
}

static struct notifier_block nfav_netdev_notifier = {
	.notifier_call = nfav_netdev_event,
};

static int __init nfav_init(void)
{
	int ret;

	ret = nfav_hook_init();
	if (ret)
		goto err_hook;
	ret = nfav_flow_cache_init();
	if (ret)
		goto err_flow_cache;
	nfav_loading = true;
	ret = register_pernet_subsys(&nfav_net_ops);
	nfav_loading = false;
	if (ret)
		goto err_pernet;
	ret = register_netdevice_notifier(&nfav_netdev_notifier);
	if (ret)
		goto err_notifier;
	ret = nfav_netlink_init();
	if (ret)
		goto err_netlink;
	pr_info("nfav " NFAV_VERSION " loaded\n");
	return 0;

err_netlink:
	unregister_netdevice_notifier(&nfav_netdev_notifier);
err_notifier:
	unregister_pernet_subsys(&nfav_net_ops);
err_pernet:
	rcu_barrier();
	nfav_flow_cache_exit();
err_flow_cache:
	nfav_hook_exit();
err_hook:
	return ret;
}

static void __exit nfav_exit(void)
{
	/* The family goes first: nothing may be sent with its old id. */
	WRITE_ONCE(nfav_unloading, true);
	synchronize_net();
	nfav_scan_quiesce();
	nfav_netlink_exit();
	unregister_netdevice_notifier(&nfav_netdev_notifier);
	unregister_pernet_subsys(&nfav_net_ops);
	rcu_barrier();
	nfav_flow_cache_exit();
	nfav_hook_exit();
	pr_info("nfav unloaded\n");
}

module_init(nfav_init);
module_exit(nfav_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Gateway antivirus for forwarded TCP application traffic");
MODULE_VERSION(NFAV_VERSION);
MODULE_ALIAS_GENL_FAMILY(NFAV_GENL_NAME);
