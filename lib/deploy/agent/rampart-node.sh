#!/bin/sh
# rampart-node: Rampart's agent on a PBX node. Uploaded by the panel to /var/lib/rampart/agent/ and run only as
# `/bin/sh /var/lib/rampart/agent/rampart-node.sh VERB` (lib/ssh/commands.ts): the verb is the only argument,
# and every piece of data (artefacts, set names, the timer, addresses to unban) comes from files the panel
# uploaded into /var/lib/rampart/staging after validating them. Nothing here evaluates file contents as code.
#
# Rampart owns: chains RAMPART-*, ipset sets rampart-* (fail2ban's ban sets rampart-f2b-* are never touched,
# so bans survive every apply and rollback), the INPUT jump to RAMPART-INPUT, and four fail2ban files. fail2ban's
# own f2b-* chains are never flushed: rules are restored with --noflush.
#
# A confirmed version survives a reboot: `confirm` keeps its artefacts in current/artefacts and installs what runs
# `boot-restore` early at boot, before fail2ban and before the network (a systemd unit, else an ifupdown hook).

set -u
umask 077
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
LC_ALL=C
export LC_ALL

R=/var/lib/rampart
STAGE=$R/staging
SNAP=$R/snapshot
CUR=$R/current
LOCK=$R/lock
PENDING=$R/pending
RESULT=$R/apply.result
LAST_ROLLBACK=$R/rollback.last
AGENT=$R/agent/rampart-node.sh
F2B=/etc/fail2ban
F2B_FILES="jail.d/rampart.local filter.d/rampart-asterisk.conf filter.d/rampart-web.conf action.d/rampart-ipset.conf"
# The artefacts apply_dir reads; confirm keeps a copy of these in current/artefacts for boot-restore.
ARTEFACTS="ipset.restore sets.list iptables.rules ip6tables.rules logfiles.list"
# The call guard (lib/guard/render.ts): installed whole in $GUARD, which the node's dialplan includes and runs.
GUARD=$R/guard
GUARD_FILES="policy extensions_rampart.conf rampart-guard-agi.sh rampart-guard.sh guard-lib.sh"
BOOT_LOG=$R/boot.log
UNIT_NAME=rampart-restore.service
UNIT=/etc/systemd/system/$UNIT_NAME
HOOK=/etc/network/if-pre-up.d/rampart-restore
# Set by boot-restore: fail2ban starts after it, so a fail2ban that is not running yet is no failure there.
IS_BOOT=0

die() {
	echo "error: $*" >&2
	exit 1
}

# lock_node [SECONDS]: takes the node lock on fd 9 (held until the verb exits or closes fd 9), waiting at most
# SECONDS (for ever without). One lock for every verb that reads or changes Rampart's state.
lock_node() {
	exec 9>"$LOCK" || return 1
	if [ -n "${1:-}" ]; then flock -w "$1" 9; else flock 9; fi
}

# write_file PATH LINE...: PATH holds exactly these lines or is left as it was (written aside, checked, renamed).
write_file() {
	f=$1
	shift
	printf '%s\n' "$@" >"$f.tmp" && mv "$f.tmp" "$f" && return 0
	rm -f "$f.tmp"
	return 1
}

# unload_temp_sets DIR: destroys the sets DIR's sets.list loads under temporary names (a failed validation or an
# abandoned version must not leave a 1M-entry "-new" set in the kernel).
unload_temp_sets() {
	[ -f "$1/sets.list" ] || return 0
	awk '$3 == "swap" { print $2 }' "$1/sets.list" | while read -r s; do ipset destroy "$s" 2>/dev/null; done
	return 0
}

# conf FILE KEY: the value of KEY= in a key=value file the panel wrote (first match; never evaluated).
conf() {
	sed -n "s/^$2=//p" "$1" | head -n 1
}

# Rampart's list sets (not fail2ban's ban sets, not leftover temporary sets).
owned_sets() {
	names=$(ipset list -n 2>/dev/null) || return 1
	printf '%s\n' "$names" | grep '^rampart-' | grep -v '^rampart-f2b-' | grep -v -- '-new$' | grep -v -- '-rb$' || :
}

set_exists() {
	ipset list -n "$1" >/dev/null 2>&1
}

# Rampart chains present in one family's filter table.
owned_chains() {
	"$1" -w -S 2>/dev/null | sed -n 's/^-N \(RAMPART-[A-Z0-9-]*\)$/\1/p'
}

# chains_in FILE: the chains a rules file declares.
chains_in() {
	sed -n 's/^:\(RAMPART-[A-Z0-9-]*\) .*/\1/p' "$1"
}

# stop_timer PID: ends the rollback timer of a pending apply (its own process group, see cmd_apply). dash's kill
# takes no "--": "kill -TERM -- -PID" fails there and would leave the timer running.
stop_timer() {
	case "$1" in '' | *[!0-9]*) return 0 ;; esac
	kill -TERM "-$1" 2>/dev/null || :
}

f2b_ping() {
	fail2ban-client ping >/dev/null 2>&1
}

# --- drift digest: Rampart's chains, INPUT up to the jump, the owned sets and their members -----------------------
# "The node does not enforce what was pushed": Rampart's chains; every INPUT rule before Rampart's jump and the
# jump itself (a rule placed ahead of it bypasses Rampart; fail2ban's own f2b-* jumps are left out, they only
# drop); the owned sets' names, types and sizes, and the sorted members of every set of at most
# MEMBER_DIGEST_MAX entries (a swapped member is drift; larger sets are counted, as sorting 1M members takes
# about a second: see `npm run bench -- drift`). fail2ban's ban sets are never part of it, so a ban is not drift.
MEMBER_DIGEST_MAX=100000

# input_head TOOL: INPUT's rules up to and including the first jump to RAMPART-INPUT (all of them without one).
input_head() {
	"$1" -w -S INPUT 2>/dev/null | awk '/^-A INPUT / { if ($0 ~ / -j f2b-[^ ]+$/) next; print; if ($0 ~ / -j RAMPART-INPUT$/) exit }'
}

digest() {
	{
		for t in iptables ip6tables; do
			echo "# $t"
			"$t" -w -S 2>/dev/null | grep -E '^-(N|A) RAMPART-'
			echo "# $t INPUT"
			input_head "$t"
		done
		echo "# ipset"
		for s in $(owned_sets | sort); do
			head=$(ipset list -t "$s" 2>/dev/null | grep -E '^(Name|Type|Number of entries):')
			echo "$head"
			n=$(echo "$head" | sed -n 's/^Number of entries: //p')
			case "$n" in '' | *[!0-9]*) n=0 ;; esac
			if [ "$n" -le "$MEMBER_DIGEST_MAX" ]; then
				ipset save "$s" 2>/dev/null | grep '^add ' | LC_ALL=C sort
			fi
		done
	} | sha256sum | cut -d ' ' -f 1
}

# --- apply a directory of artefacts (staging, or the snapshot on rollback) ------------------------------------
# DIR holds ipset.restore (sets under temporary names), sets.list ("name temp lifecycle" lines),
# iptables.rules, ip6tables.rules and fail2ban/<F2B_FILES>. Chains, sets and fail2ban files that DIR does not
# have are removed, so applying an empty snapshot takes the node back to "no Rampart".
load_sets() {
	dir=$1
	while read -r name temp life; do
		[ "$life" = swap ] && ipset destroy "$temp" 2>/dev/null
	done <"$dir/sets.list"
	ipset restore -file "$dir/ipset.restore"
}

swap_sets() {
	dir=$1
	while read -r name temp life; do
		[ "$life" = swap ] || continue
		set_exists "$temp" || return 1
		if set_exists "$name"; then
			ipset swap "$temp" "$name" || return 1
			ipset destroy "$temp" || return 1
		else
			ipset rename "$temp" "$name" || return 1
		fi
	done <"$dir/sets.list"
}

# jump_first TOOL: Rampart's jump is INPUT's first rule, and the only one. It is inserted at the top before any
# other copy is deleted (from the last), so INPUT is never without it.
jump_first() {
	first=$("$1" -w -S INPUT | awk '/^-A INPUT / { print; exit }') || return 1
	if [ "$first" != "-A INPUT -j RAMPART-INPUT" ]; then
		"$1" -w -I INPUT 1 -j RAMPART-INPUT || return 1
	fi
	copies=$("$1" -w -S INPUT | awk '/^-A INPUT / { i++; if (i > 1 && $0 == "-A INPUT -j RAMPART-INPUT") print i }' | sort -rn) || return 1
	for n in $copies; do
		"$1" -w -D INPUT "$n" || return 1
	done
}

apply_rules() {
	dir=$1
	for pair in iptables:iptables.rules ip6tables:ip6tables.rules; do
		t=${pair%%:*}
		file=$dir/${pair#*:}
		if chains_in "$file" | grep -qx 'RAMPART-INPUT'; then
			"$t" -w -N RAMPART-INPUT 2>/dev/null
			jump_first "$t" || return 1
			"$t-restore" -w --noflush "$file" || return 1
		else
			while "$t" -w -D INPUT -j RAMPART-INPUT 2>/dev/null; do :; done
		fi
		stale=$(owned_chains "$t" | grep -vxF "$(chains_in "$file")")
		for c in $stale; do "$t" -w -F "$c"; done
		for c in $stale; do "$t" -w -X "$c" || return 1; done
	done
}

drop_unlisted_sets() {
	dir=$1
	for s in $(owned_sets); do
		if ! awk -v s="$s" '$1 == s { found = 1 } END { exit !found }' "$dir/sets.list"; then
			ipset destroy "$s" || return 1
		fi
	done
}

apply_fail2ban() {
	dir=$1
	for f in $F2B_FILES; do
		if [ -f "$dir/fail2ban/$f" ]; then
			mkdir -p "$F2B/$(dirname "$f")"
			cp "$dir/fail2ban/$f" "$F2B/$f.rampart-tmp" && chmod 644 "$F2B/$f.rampart-tmp" && mv "$F2B/$f.rampart-tmp" "$F2B/$f" || return 1
		else
			rm -f "$F2B/$f"
		fi
	done
	if [ -f "$dir/logfiles.list" ]; then
		while read -r path; do
			[ -e "$path" ] || { mkdir -p "$(dirname "$path")" && : >>"$path"; } || return 1
		done <"$dir/logfiles.list"
	fi
	if ! f2b_ping; then
		[ "$IS_BOOT" = 1 ] && return 0
		echo "fail2ban is not running" >&2
		return 1
	fi
	fail2ban-client reload >/dev/null || return 1
}

apply_dir() {
	dir=$1
	for s in $(awk '$3 == "swap" { print $2 }' "$dir/sets.list"); do
		set_exists "$s" || { load_sets "$dir" || return 1; break; }
	done
	swap_sets "$dir" || { echo "ipset swap failed" >&2; return 1; }
	apply_rules "$dir" || { echo "iptables-restore failed" >&2; return 1; }
	drop_unlisted_sets "$dir" || { echo "could not remove a set Rampart no longer uses" >&2; return 1; }
	apply_fail2ban "$dir" || { echo "fail2ban reload failed" >&2; return 1; }
	apply_guard "$dir" || return 1
}

# --- the call guard --------------------------------------------------------------------------------------------
# asterisk_rx COMMAND: one Asterisk CLI command. A node whose Asterisk is not `asterisk` on the PATH (a chroot, a
# container) names its CLI in $R/asterisk-cli, an executable the node's operator installs (never the panel).
asterisk_rx() {
	if [ -x "$R/asterisk-cli" ]; then
		timeout 20 "$R/asterisk-cli" -rx "$1"
	elif command -v asterisk >/dev/null 2>&1; then
		timeout 20 asterisk -rx "$1"
	else
		return 127
	fi
}

# guard_version DIR: the version line of DIR/policy.
guard_version() {
	sed -n 's/^version=//p' "$1/policy" 2>/dev/null | head -n 1
}

# guard_loaded VERSION: Asterisk's dialplan holds exactly this guard version.
guard_loaded() {
	for i in 1 2 3 4 5; do
		asterisk_rx "dialplan show s@rampart-guard" 2>/dev/null | grep -q "NoOp(rampart-guard $1)" && return 0
		sleep 0.2
	done
	return 1
}

# guard_reload VERSION: the dialplan reloaded and this version loaded; 2 when Asterisk does not run here (the guard
# is then loaded by Asterisk's own start, which reads the installed files).
guard_reload() {
	asterisk_rx "core show version" >/dev/null 2>&1 || return 2
	asterisk_rx "dialplan reload" >/dev/null 2>&1 || return 1
	[ -z "$1" ] || guard_loaded "$1"
}

# install_guard_dir FROM: $GUARD becomes FROM's guard files (a copy, swapped in whole); the previous one is kept in
# $GUARD.old until the caller drops it. When Asterisk runs as its own user (`asterisk`), it may read the guard and
# write its state; the cluster file the collector uploads is made readable too.
install_guard_dir() {
	rm -rf "$GUARD.new" && mkdir -p "$GUARD.new" || return 1
	for f in $GUARD_FILES; do cp "$1/$f" "$GUARD.new/$f" || return 1; done
	chmod 755 "$GUARD.new" && chmod 644 "$GUARD.new"/* && chmod 755 "$GUARD.new"/*.sh || return 1
	mkdir -p "$R/guard-state" || return 1
	if id -u asterisk >/dev/null 2>&1; then
		chmod 711 "$R" && chown -R asterisk "$R/guard-state" || return 1
		[ ! -f "$R/guard-cluster" ] || chmod 644 "$R/guard-cluster"
	fi
	rm -rf "$GUARD.old"
	if [ -d "$GUARD" ]; then mv "$GUARD" "$GUARD.old" || return 1; fi
	mv "$GUARD.new" "$GUARD"
}

# apply_guard DIR: DIR's guard is installed (DIR/guard), or the node's guard removed (DIR/guard.none, a snapshot
# of a node that had none), or, for a version without a guard, left as it is. A guard Asterisk does not load as
# this version (the reload fails, or the dialplan lacks its marker) is replaced by the previous one again.
apply_guard() {
	if [ -d "$1/guard" ]; then
		install_guard_dir "$1/guard" || { echo "could not install the call guard" >&2; return 1; }
		v=$(guard_version "$GUARD")
		guard_reload "$v"
		case $? in
		0 | 2) rm -rf "$GUARD.old" ;;
		*)
			rm -rf "$GUARD"
			[ ! -d "$GUARD.old" ] || mv "$GUARD.old" "$GUARD"
			guard_reload "" >/dev/null 2>&1
			echo "Asterisk did not load call guard $v (dialplan reload failed or the guard is missing from the dialplan); the previous guard was restored" >&2
			return 1
			;;
		esac
	elif [ -f "$1/guard.none" ] && [ -d "$GUARD" ]; then
		rm -rf "$GUARD"
		guard_reload "" >/dev/null 2>&1
	fi
	return 0
}

# --- snapshot of the Rampart-owned state, in the same layout apply_dir reads -----------------------------------
snapshot() {
	rm -rf "$SNAP.tmp"
	mkdir -p "$SNAP.tmp/fail2ban" || return 1
	: >"$SNAP.tmp/sets.list"
	: >"$SNAP.tmp/ipset.restore"
	# Every tool's output goes to a file first and its exit status is checked: /bin/sh has no pipefail, and a
	# snapshot missing Rampart's chains would make a later rollback remove them.
	sets=$(owned_sets) || return 1
	for s in $sets; do
		# Saved under "<name>-rb" so restoring never collides with a set of the pushed version.
		ipset save "$s" >"$SNAP.tmp/set.save" || return 1
		sed -e "s/^create $s /create $s-rb /" -e "s/^add $s /add $s-rb /" "$SNAP.tmp/set.save" >>"$SNAP.tmp/ipset.restore" || return 1
		echo "$s $s-rb swap" >>"$SNAP.tmp/sets.list" || return 1
	done
	rm -f "$SNAP.tmp/set.save"
	for pair in iptables:iptables.rules ip6tables:ip6tables.rules; do
		t=${pair%%:*}
		"$t-save" -t filter >"$SNAP.tmp/filter.save" || return 1
		{
			echo "*filter"
			grep -E '^:RAMPART-|^-A RAMPART-' "$SNAP.tmp/filter.save" | sed 's/^\(:RAMPART-[A-Z0-9-]*\) .*/\1 - [0:0]/'
			echo "COMMIT"
		} >"$SNAP.tmp/${pair#*:}" || return 1
	done
	rm -f "$SNAP.tmp/filter.save"
	for f in $F2B_FILES; do
		if [ -f "$F2B/$f" ]; then
			mkdir -p "$SNAP.tmp/fail2ban/$(dirname "$f")" && cp "$F2B/$f" "$SNAP.tmp/fail2ban/$f" || return 1
		fi
	done
	if [ -d "$GUARD" ]; then cp -a "$GUARD" "$SNAP.tmp/guard" || return 1; else : >"$SNAP.tmp/guard.none" || return 1; fi
	if [ -f "$CUR/version" ]; then cp "$CUR/version" "$SNAP.tmp/version" || return 1; else : >"$SNAP.tmp/version" || return 1; fi
	sync || return 1
	rm -rf "$SNAP" && mv "$SNAP.tmp" "$SNAP"
}

# Restores the snapshot (caller holds the lock) and records why.
restore_snapshot() {
	reason=$1
	id=$2
	# Its own variable: the caller's $out (why the apply failed) is reported after this returns.
	restore_out=$(apply_dir "$SNAP" 2>&1)
	status=$?
	# Temporary sets of the abandoned version are not Rampart's state any more.
	unload_temp_sets "$STAGE"
	printf 'at=%s\ndeployment=%s\nreason=%s\nrestored=%s\nok=%s\n' "$(date +%s)" "$id" "$reason" "$(cat "$SNAP/version")" "$([ $status -eq 0 ] && echo 1 || echo 0)" >"$LAST_ROLLBACK"
	[ $status -eq 0 ] || echo "$restore_out" >&2
	return $status
}

# --- verbs -----------------------------------------------------------------------------------------------------
cmd_stage_reset() {
	mkdir -p "$R" || die "cannot create $R"
	lock_node 30 || die "another Rampart operation holds the node lock"
	# A pending apply still needs its staging (confirm keeps its artefacts): refuse rather than pull it away.
	[ -f "$PENDING" ] && die "an earlier push awaits confirmation; the node rolls it back at $(conf "$PENDING" deadline)"
	# Sets an earlier validation loaded for an apply that never came are not Rampart's state.
	unload_temp_sets "$STAGE"
	rm -rf "$STAGE" && mkdir -p "$STAGE" || die "cannot reset $STAGE"
	echo "staged"
}

# invalid MESSAGE: a validation refusal after the temporary sets were loaded: they go, then the agent dies.
invalid() {
	unload_temp_sets "$STAGE"
	die "$*"
}

cmd_validate() {
	cd "$STAGE" 2>/dev/null || die "nothing is staged"
	for f in SHA256SUMS apply.conf sets.list logfiles.list ipset.restore iptables.rules ip6tables.rules; do
		[ -f "$f" ] || die "staged artefacts are incomplete: $f is missing"
	done
	for t in ipset iptables-restore ip6tables-restore fail2ban-client flock setsid sha256sum; do
		command -v "$t" >/dev/null 2>&1 || die "$t is not installed on this node"
	done
	sha256sum -c --quiet --strict SHA256SUMS >/dev/null 2>&1 || die "an artefact does not match its checksum (upload damaged)"
	lock_node 30 || die "another Rampart operation holds the node lock"
	[ -f "$PENDING" ] && die "an earlier push awaits confirmation; the node rolls it back at $(sed -n 's/^deadline=//p' "$PENDING")"
	# Sets load under temporary names (no effect on traffic); the rules are checked against them.
	# From here on every refusal unloads the temporary sets again.
	out=$(load_sets "$STAGE" 2>&1) || invalid "ipset rejected the sets: $out"
	: >rename.sed
	while read -r name temp life; do
		[ "$life" = swap ] && echo "s/--match-set $name /--match-set $temp /g" >>rename.sed
	done <sets.list
	for pair in iptables:iptables.rules ip6tables:ip6tables.rules; do
		t=${pair%%:*}
		sed -f rename.sed "${pair#*:}" >"test-${pair#*:}"
		out=$("$t-restore" -w --test --noflush "test-${pair#*:}" 2>&1) || invalid "$t-restore rejected ${pair#*:}: $out"
	done
	rm -rf f2b-test && cp -a "$F2B" f2b-test || invalid "cannot copy $F2B for the fail2ban test"
	for f in $F2B_FILES; do
		[ -f "fail2ban/$f" ] && mkdir -p "f2b-test/$(dirname "$f")" && cp "fail2ban/$f" "f2b-test/$f"
	done
	while read -r path; do
		[ -e "$path" ] || { mkdir -p "$(dirname "$path")" && : >>"$path"; } || invalid "cannot create log file $path"
	done <logfiles.list
	out=$(fail2ban-client -c "$STAGE/f2b-test" -t 2>&1) || invalid "fail2ban rejected the configuration: $(echo "$out" | tail -n 5)"
	rm -rf f2b-test
	if [ -d guard ]; then
		for f in $GUARD_FILES; do [ -f "guard/$f" ] || invalid "the call guard is incomplete: guard/$f is missing"; done
		for f in guard/*.sh; do sh -n "$f" 2>/dev/null || invalid "the call guard script $f does not parse"; done
		out=$(sh guard/rampart-guard-agi.sh --check guard/policy 2>&1) || invalid "$out"
		grep -q "NoOp(rampart-guard $(guard_version guard))" guard/extensions_rampart.conf || invalid "the call guard's dialplan is not of its policy's version"
	fi
	# The temporary sets stay loaded for the apply, which swaps them in instead of loading them twice.
	echo "validated $(conf apply.conf version)"
}

cmd_apply() {
	[ -f "$STAGE/apply.conf" ] || die "nothing is staged"
	id=$(conf "$STAGE/apply.conf" deployment)
	timer=$(conf "$STAGE/apply.conf" timer)
	case "$timer" in '' | *[!0-9]*) die "bad rollback timer" ;; esac
	lock_node 30 || die "another Rampart operation holds the node lock"
	[ -f "$PENDING" ] && die "an earlier push awaits confirmation"
	snapshot || die "could not snapshot the current state"
	rm -f "$RESULT"
	write_file "$PENDING" "deployment=$id" "pid=" "deadline=" || die "cannot record the pending apply (is the disk full?); nothing was applied"
	# The apply and the timer run detached (own session, lock inherited): a connection cut by the new rules
	# cannot interrupt them, and the timer fires whether or not the panel ever comes back.
	setsid /bin/sh "$AGENT" apply-run </dev/null >/dev/null 2>&1 &
	runner=$!
	exec 9>&-
	i=0
	while [ ! -f "$RESULT" ] && [ $i -lt 1200 ]; do
		# A runner that ended without a report restored the previous state (or never started).
		if ! kill -0 "$runner" 2>/dev/null; then
			[ -f "$RESULT" ] && break
			rm -f "$PENDING"
			die "the apply ended without a report (is the disk full?); the previous state was restored"
		fi
		sleep 0.25
		i=$((i + 1))
	done
	[ -f "$RESULT" ] || die "the apply did not report within 300 s"
	cat "$RESULT"
	grep -q '^applied ' "$RESULT"
}

cmd_apply_run() {
	id=$(conf "$STAGE/apply.conf" deployment)
	timer=$(conf "$STAGE/apply.conf" timer)
	if ! out=$(apply_dir "$STAGE" 2>&1); then
		restore_snapshot "apply failed: $out" "$id" >/dev/null 2>&1
		rm -f "$PENDING"
		write_file "$RESULT" "failed $(echo "$out" | tail -n 3 | tr '\n' ' ')"
		exit 1
	fi
	deadline=$(($(date +%s) + timer))
	# The timer only restores what PENDING names, so a PENDING that cannot be written means no timer: undo now.
	if ! write_file "$PENDING" "deployment=$id" "pid=$$" "deadline=$deadline" || ! write_file "$RESULT" "applied $deadline"; then
		restore_snapshot "could not record the pending apply (is the disk full?)" "$id" >/dev/null 2>&1
		rm -f "$PENDING"
		write_file "$RESULT" "failed could not record the pending apply (is the disk full?); the previous state was restored" 2>/dev/null
		exit 1
	fi
	exec 9>&-
	sleep "$timer"
	lock_node
	if [ -f "$PENDING" ] && [ "$(conf "$PENDING" deployment)" = "$id" ]; then
		restore_snapshot "not confirmed within ${timer} s" "$id"
		rm -f "$PENDING"
	fi
}

cmd_confirm() {
	lock_node 30 || die "another Rampart operation holds the node lock"
	if [ ! -f "$PENDING" ]; then
		[ -f "$LAST_ROLLBACK" ] && die "nothing to confirm; last rollback: $(conf "$LAST_ROLLBACK" reason)"
		die "nothing to confirm"
	fi
	id=$(conf "$PENDING" deployment)
	pid=$(conf "$PENDING" pid)
	problem=""
	iptables -w -C INPUT -j RAMPART-INPUT 2>/dev/null || problem="the INPUT jump to RAMPART-INPUT is missing"
	f2b_ping || problem="fail2ban does not answer"
	if [ -n "$problem" ]; then
		stop_timer "$pid"
		restore_snapshot "health check failed: $problem" "$id" >/dev/null 2>&1
		rm -f "$PENDING"
		die "health check failed ($problem); the previous state was restored"
	fi
	# The confirmed version is written, checked and synced while the rollback timer still runs: when a write
	# fails (a full disk), the timer restores the previous version, so the node never runs an unrecorded one.
	if ! record_confirmed; then
		rm -rf "$CUR.tmp"
		die "cannot record the confirmed version (is the disk full?); the rollback timer stays armed and restores the previous version at $(conf "$PENDING" deadline)"
	fi
	rm -f "$PENDING"
	stop_timer "$pid"
	# The version is confirmed whatever happens here; status reports boot_restore=none if this did not work.
	install_boot_restore || echo "warning: could not install the boot restore ($(boot_restore_kind))" >&2
	echo "confirmed $(cat "$CUR/version") $(cat "$CUR/digest")"
}

# record_confirmed: current/ becomes the staged version (its files, the artefacts boot-restore reads, the digest),
# every write checked, synced, and swapped in whole; on failure current/ is still the previous version.
record_confirmed() {
	rm -rf "$CUR.tmp" "$CUR.old" && mkdir -p "$CUR.tmp" || return 1
	cp "$STAGE/apply.conf" "$CUR.tmp/apply.conf" || return 1
	if [ -f "$STAGE/manifest.json" ]; then cp "$STAGE/manifest.json" "$CUR.tmp/manifest.json" || return 1; fi
	v=$(conf "$STAGE/apply.conf" version)
	[ -n "$v" ] && printf '%s\n' "$v" >"$CUR.tmp/version" || return 1
	keep_artefacts "$STAGE" "$CUR.tmp/artefacts" || return 1
	d=$(digest) && [ -n "$d" ] && printf '%s\n' "$d" >"$CUR.tmp/digest" || return 1
	sync || return 1
	if [ -d "$CUR" ]; then mv "$CUR" "$CUR.old" || return 1; fi
	if ! mv "$CUR.tmp" "$CUR"; then
		[ ! -d "$CUR.old" ] || mv "$CUR.old" "$CUR"
		return 1
	fi
	rm -rf "$CUR.old"
	sync
}

# keep_artefacts FROM TO: the files apply_dir reads, copied (the staging directory is reset by the next push).
keep_artefacts() {
	mkdir -p "$2/fail2ban" || return 1
	for f in $ARTEFACTS; do
		cp "$1/$f" "$2/$f" || return 1
	done
	for f in $F2B_FILES; do
		if [ -f "$1/fail2ban/$f" ]; then
			mkdir -p "$2/fail2ban/$(dirname "$f")" && cp "$1/fail2ban/$f" "$2/fail2ban/$f" || return 1
		fi
	done
	if [ -d "$1/guard" ]; then cp -a "$1/guard" "$2/guard" || return 1; fi
}

# --- boot restore ----------------------------------------------------------------------------------------------
# The unit runs before fail2ban and before the network is configured (as netfilter-persistent does), after the
# local file systems (the agent and the artefacts are under /var/lib). It never fails the boot: boot-restore
# exits 0 and says what it did in boot.log.
unit_text() {
	cat <<'UNIT'
# Written by Rampart's agent: restores the last confirmed Rampart version at boot. Do not edit on the node.
[Unit]
Description=Rampart: restore the confirmed firewall sets, chains and fail2ban files
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target fail2ban.service shutdown.target
After=local-fs.target systemd-modules-load.service
RequiresMountsFor=/var/lib/rampart
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh /var/lib/rampart/agent/rampart-node.sh boot-restore

[Install]
WantedBy=multi-user.target
UNIT
}

# Debian without systemd (sysvinit) configures the network with ifupdown from rcS (/etc/init.d/networking),
# which runs /etc/network/if-pre-up.d/* before each interface comes up; fail2ban starts later, in runlevel 2.
# /etc/rc.local would run last, after fail2ban, so it is not used. The hook acts once, for lo: `ifup -a`
# brings lo up first, and later ifups of other interfaces must not re-apply. It never stops an interface
# from coming up.
hook_text() {
	cat <<'HOOK'
#!/bin/sh
# Written by Rampart's agent: restores the last confirmed Rampart version at boot. Do not edit on the node.
[ "$IFACE" = lo ] || exit 0
/bin/sh /var/lib/rampart/agent/rampart-node.sh boot-restore >/dev/null 2>&1
exit 0
HOOK
}

# install_text FILE MODE GENERATOR: writes FILE only when its text changed; returns 2 when unchanged.
install_text() {
	"$3" >"$1.rampart-tmp" || { rm -f "$1.rampart-tmp"; return 1; }
	if cmp -s "$1.rampart-tmp" "$1"; then
		rm -f "$1.rampart-tmp"
		return 2
	fi
	chmod "$2" "$1.rampart-tmp" && mv "$1.rampart-tmp" "$1"
}

install_boot_restore() {
	if [ -d /run/systemd/system ]; then
		rm -f "$HOOK"
		install_text "$UNIT" 644 unit_text
		case $? in
		0) systemctl daemon-reload >/dev/null 2>&1 ;;
		2) ;;
		*) return 1 ;;
		esac
		systemctl is-enabled --quiet "$UNIT_NAME" 2>/dev/null || systemctl enable --quiet "$UNIT_NAME" >/dev/null 2>&1
	else
		# No ifupdown, nothing would run the hook: report none rather than pretend.
		[ -d /etc/network ] || return 1
		mkdir -p "$(dirname "$HOOK")" || return 1
		install_text "$HOOK" 755 hook_text
		[ $? -ne 1 ]
	fi
}

# unit | hook | none: what restores current/artefacts at the next boot.
boot_restore_kind() {
	if [ ! -f "$CUR/artefacts/sets.list" ]; then
		echo none
	elif [ -d /run/systemd/system ] && [ -f "$UNIT" ] && systemctl is-enabled --quiet "$UNIT_NAME" 2>/dev/null; then
		echo unit
	elif [ ! -d /run/systemd/system ] && [ -x "$HOOK" ]; then
		echo hook
	else
		echo none
	fi
}

boot_log() {
	line="$(date +%s) $*"
	echo "$*"
	{ tail -n 99 "$BOOT_LOG" 2>/dev/null; echo "$line"; } >"$BOOT_LOG.tmp" && mv "$BOOT_LOG.tmp" "$BOOT_LOG"
}

# Applies current/artefacts as apply does (sets under temporary names then swapped, rules restored, the INPUT
# jump inserted), without a rollback timer. Always exits 0: a boot must go on whatever happens here.
cmd_boot_restore() {
	mkdir -p "$R" 2>/dev/null
	# `command exec`: a redirection that fails must not end the shell before it has logged why.
	if ! lock_node 60; then
		boot_log "boot-restore: could not take the node lock; nothing restored"
		exit 0
	fi
	if [ -f "$PENDING" ]; then
		# The node restarted while a push awaited confirmation; its rollback timer died with it. Restoring the
		# confirmed version is that rollback, recorded as such so the next push is not refused.
		printf 'at=%s\ndeployment=%s\nreason=%s\nrestored=%s\nok=1\n' "$(date +%s)" "$(conf "$PENDING" deployment)" \
			"node restarted before the push was confirmed" "$(cat "$CUR/version" 2>/dev/null)" >"$LAST_ROLLBACK"
		rm -f "$PENDING"
	fi
	version=$(cat "$CUR/version" 2>/dev/null)
	if [ ! -f "$CUR/artefacts/sets.list" ]; then
		boot_log "boot-restore: no confirmed version to restore${version:+ (version $version was confirmed by an agent that kept no artefacts)}"
		exit 0
	fi
	IS_BOOT=1
	if out=$(apply_dir "$CUR/artefacts" 2>&1); then
		boot_log "boot-restore: restored $version, digest $(digest)$(f2b_ping || echo ', fail2ban not running yet')"
	else
		boot_log "boot-restore: restoring $version failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
	exit 0
}

cmd_rollback() {
	lock_node 30 || die "another Rampart operation holds the node lock"
	[ -d "$SNAP" ] || die "no snapshot to restore"
	if [ -f "$PENDING" ]; then
		pid=$(conf "$PENDING" pid)
		stop_timer "$pid"
	fi
	restore_snapshot "rolled back on request" "$(conf "$PENDING" deployment 2>/dev/null)" || die "the snapshot could not be restored"
	rm -f "$PENDING"
	echo "rolled-back $(cat "$SNAP/version")"
}

cmd_status() {
	echo "version=$(cat "$CUR/version" 2>/dev/null)"
	echo "confirmed_digest=$(cat "$CUR/digest" 2>/dev/null)"
	echo "digest=$(digest)"
	if [ -f "$PENDING" ]; then
		echo "pending=$(conf "$PENDING" deployment)"
		echo "pending_deadline=$(conf "$PENDING" deadline)"
	fi
	if [ -f "$LAST_ROLLBACK" ]; then
		echo "rollback_at=$(conf "$LAST_ROLLBACK" at)"
		echo "rollback_deployment=$(conf "$LAST_ROLLBACK" deployment)"
		echo "rollback_reason=$(conf "$LAST_ROLLBACK" reason)"
		echo "rollback_ok=$(conf "$LAST_ROLLBACK" ok)"
	fi
	echo "boot_restore=$(boot_restore_kind)"
	echo "end=1"
}

# The kernel's HZ, to turn xt_recent's jiffies into ages: from the kernel config, else from jiffies and uptime
# (jiffies start at 2^32 - 300 HZ on 64-bit kernels), else empty (the panel then shows no ages).
kernel_hz() {
	hz=$( (zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null) | sed -n 's/^CONFIG_HZ=//p' | head -n 1)
	if [ -z "$hz" ]; then
		hz=$(awk -v j="$1" '{ up = $1 } END { if (up > 400 && j > 4294967296) { h = (j - 4294967296) / (up - 300); for (c = 100; c <= 1000; c += 50) if (h > c * 0.97 && h < c * 1.03) print c } }' /proc/uptime 2>/dev/null)
	fi
	echo "$hz"
}

# Readings for the collector, in "@section" blocks (lib/observe/observe-output.ts parses them). Never lists whole
# sets. fail2ban prints ban times in local time, hence @tz; @end tells the panel the output is complete.
# take_ack NAME OFFSET_FILE: a read section (successful registrations, call records) moves its offset only when
# the panel acknowledges what it stored: it uploads NAME.ack holding the end of the section it read, and only an
# acknowledgement equal to the read still pending here (NAME.pending) is taken; a stale or partly written one is
# dropped. Until then every poll prints the same lines again (the panel stores them once).
take_ack() {
	if [ -f "$R/$1.ack" ]; then
		ack=$(head -c 32 "$R/$1.ack")
		pending=$(cat "$R/$1.pending" 2>/dev/null)
		case "$ack" in '' | *[!0-9]*) ack=x ;; esac
		[ "$ack" = "$pending" ] && echo "$ack" >"$2"
		rm -f "$R/$1.ack" "$R/$1.pending"
	fi
}

cmd_observe() {
	echo "@time $(date +%s)"
	echo "@tz $(date +%z)"
	jiffies=$(sed -n 's/^jiffies: //p' /proc/timer_list 2>/dev/null | head -n 1)
	echo "@clock ${jiffies:-0} $(kernel_hz "${jiffies:-0}")"
	echo "@version $(cat "$CUR/version" 2>/dev/null)"
	echo "@confirmed-digest $(cat "$CUR/digest" 2>/dev/null)"
	echo "@digest $(digest)"
	# Whether Rampart's chain is hooked into INPUT at all (after a reboot without restore it is not).
	if iptables -w -C INPUT -j RAMPART-INPUT 2>/dev/null; then echo "@loaded 1"; else echo "@loaded 0"; fi
	echo "@boot-restore $(boot_restore_kind)"
	# fail2ban-client is a Python program (~0.2 s per start): one call lists the jails, and one interactive call
	# (-i, commands on stdin) reads every jail's status and timed ban list; its "fail2ban> " prompt before each
	# answer becomes the section marker of that command.
	if f2b_status=$(fail2ban-client status 2>/dev/null); then
		echo "@fail2ban-up"
		markers=""
		cmds=""
		for j in $(printf '%s\n' "$f2b_status" | sed -n 's/.*Jail list:[[:space:]]*//p' | tr ',' ' '); do
			markers="$markers@jail $j|@banip $j|"
			cmds="${cmds}status $j
get $j banip --with-time
"
		done
		if [ -n "$cmds" ]; then
			printf '%sexit\n' "$cmds" | fail2ban-client -i 2>/dev/null | awk -v m="$markers" '
				BEGIN { n = split(m, mk, "|"); k = 0 }
				/^fail2ban> / { sub(/^fail2ban> /, ""); k++; if (k > n || mk[k] == "") exit; print mk[k] }
				k > 0 && $0 != "" && substr($0, 1, 1) != "@" { print }'
		fi
	else
		echo "@fail2ban-down"
	fi
	# Table names carry a digest of the limit's parameters; after a change the old table goes with its rule.
	for f in /proc/net/ipt_hashlimit/rampart-sip4* /proc/net/ip6t_hashlimit/rampart-sip6*; do
		[ -r "$f" ] && { echo "@hashlimit $f"; head -n 5000 "$f"; }
	done
	for f in /proc/net/xt_recent/rampart-*; do
		[ -r "$f" ] && { echo "@recent $f"; head -n 5000 "$f"; }
	done
	echo "@counters4"
	iptables-save -c -t filter 2>/dev/null | grep -E '^\*filter|^:RAMPART-|^\[[0-9]+:[0-9]+\] -A (RAMPART-|INPUT .*RAMPART-INPUT)'
	echo "@counters6"
	ip6tables-save -c -t filter 2>/dev/null | grep -E '^\*filter|^:RAMPART-|^\[[0-9]+:[0-9]+\] -A (RAMPART-|INPUT .*RAMPART-INPUT)'
	take_ack registrations "$R/observe.offset"
	log=$(conf "$CUR/apply.conf" security_log 2>/dev/null)
	if [ -n "$log" ] && [ -r "$log" ]; then
		size=$(wc -c <"$log")
		offset=$(cat "$R/observe.offset" 2>/dev/null || echo 0)
		case "$offset" in '' | *[!0-9]*) offset=0 ;; esac
		[ "$offset" -gt "$size" ] && offset=0
		echo "@registrations $offset $size"
		tail -c +$((offset + 1)) "$log" | head -c $((size - offset)) | grep 'SecurityEvent="SuccessfulAuth"' | grep -v '^@' | tail -n 2000
		echo "$size" >"$R/registrations.pending"
	fi
	# Call records (cdr_csv's Master.csv) from their own offset, which only moves past what the panel stored: at most
	# 5,000 complete lines and 4 MiB a poll (a backlog is read on in order by the next polls, never skipped), a
	# line still being written waits for the next poll, a line over 4,096 bytes is printed as "!long BYTES" and
	# one starting with "@" (never cdr_csv's) gets a "!" in front so it cannot end the section.
	take_ack cdrs "$R/cdrs.offset"
	cdr=$(conf "$CUR/apply.conf" cdr_log 2>/dev/null)
	if [ -n "$cdr" ] && [ -r "$cdr" ]; then
		size=$(wc -c <"$cdr")
		offset=$(cat "$R/cdrs.offset" 2>/dev/null || echo 0)
		case "$offset" in '' | *[!0-9]*) offset=0 ;; esac
		[ "$offset" -gt "$size" ] && offset=0
		max=$((size - offset))
		[ "$max" -gt 4194304 ] && max=4194304
		chunk=$R/cdrs.chunk
		tail -c +$((offset + 1)) "$cdr" | head -c "$max" | head -n 5000 >"$chunk"
		used=$(wc -c <"$chunk")
		if [ "$used" -gt 0 ] && [ -n "$(tail -c 1 "$chunk")" ]; then
			part=$(tail -n 1 "$chunk" | wc -c)
			# Unless that unfinished line alone fills the whole read: then it is no record, and is passed over.
			[ "$part" -lt "$max" ] && used=$((used - part))
		fi
		echo "@cdrs $offset $((offset + used)) $size"
		head -c "$used" "$chunk" | awk 'length($0) > 4096 { print "!long " length($0); next } /^@/ { print "!" $0; next } { print }'
		rm -f "$chunk"
		echo "$((offset + used))" >"$R/cdrs.pending"
	fi
	echo "@end"
}

# Unbans the "jail address" lines of staging/unban.list (written by the panel from validated values), then
# re-reads each jail so the answer says whether the address is still banned.
# is_address TEXT: canonical host text only (four dot-separated decimals without leading zeros, or lower-case hex
# digits and colons with an optional dotted tail), at most 45 characters. The panel sends nothing else (buildUnbanFile);
# anything else never reaches fail2ban or ipset.
is_address() {
	[ ${#1} -le 45 ] || return 1
	case "$1" in
	'' | *[!0-9a-f.:]*) return 1 ;;
	*:*:*) return 0 ;;
	*:*) return 1 ;;
	*[!0-9.]* | .* | *. | *..* | 0[0-9]* | *.0[0-9]*) return 1 ;;
	*.*.*.*.*) return 1 ;;
	*.*.*.*) return 0 ;;
	esac
	return 1
}

# ban_set JAIL ADDRESS: the ban set the jail's action fills for the address's family (lib/rules/names.ts
# BAN_SET_BASES; rampart-web and rampart-web-auth share the web set).
ban_set() {
	case "$1" in
	rampart-asterisk) b=rampart-f2b-voip ;;
	rampart-web | rampart-web-auth) b=rampart-f2b-web ;;
	rampart-recidive) b=rampart-f2b-rec ;;
	*) return 1 ;;
	esac
	case "$2" in *:*) echo "${b}6" ;; *) echo "${b}4" ;; esac
}

f2b_has() {
	fail2ban-client get "$1" banip </dev/null 2>/dev/null | tr ' ' '\n' | grep -qxF "$2"
}

set_has() {
	ipset test "$1" "$2" >/dev/null 2>&1
}

# Lifts each "jail address" line from fail2ban and from the jail's ban set directly (a ban placed straight into
# the set, or left there by a fail2ban that is not running, is lifted too), then re-reads both:
#   unbanned      it was banned in fail2ban or in the set, and now is in neither
#   not-banned    it was in neither
#   still-banned  fail2ban or the set still holds it
#   refused       not a Rampart jail, or not canonical address text
# fail2ban not running is no failure: the set alone decides. Each jail's ban list is read once per run of lines
# of that jail (the panel groups them), so an address fail2ban does not hold costs no fail2ban-client start.
cmd_unban() {
	[ -f "$STAGE/unban.list" ] || die "nothing to unban"
	f2b_up=0
	f2b_ping && f2b_up=1
	listed_jail=
	listed=
	while read -r jail address; do
		if ! is_address "$address" || ! bset=$(ban_set "$jail" "$address"); then
			echo "$jail $address refused"
			continue
		fi
		if [ $f2b_up = 1 ] && [ "$jail" != "$listed_jail" ]; then
			listed=$(fail2ban-client get "$jail" banip </dev/null 2>/dev/null | tr ' ' '\n')
			listed_jail=$jail
		fi
		was=0
		in_f2b=0
		set_has "$bset" "$address" && was=1
		if [ $f2b_up = 1 ] && printf '%s\n' "$listed" | grep -qxF "$address"; then
			was=1
			in_f2b=1
			fail2ban-client set "$jail" unbanip "$address" </dev/null >/dev/null 2>&1
		fi
		ipset -exist del "$bset" "$address" >/dev/null 2>&1
		if set_has "$bset" "$address" || { [ $in_f2b = 1 ] && f2b_has "$jail" "$address"; }; then
			echo "$jail $address still-banned"
		elif [ $was = 1 ]; then
			echo "$jail $address unbanned"
		else
			echo "$jail $address not-banned"
		fi
	done <"$STAGE/unban.list"
	rm -f "$STAGE/unban.list"
}

case "${1:-}" in
stage-reset) cmd_stage_reset ;;
validate) cmd_validate ;;
apply) cmd_apply ;;
apply-run) cmd_apply_run ;;
confirm) cmd_confirm ;;
rollback) cmd_rollback ;;
status) cmd_status ;;
digest) digest ;;
observe) cmd_observe ;;
unban) cmd_unban ;;
boot-restore) cmd_boot_restore ;;
*) die "unknown verb: ${1:-}" ;;
esac
