#!/bin/sh
# rampart-guard-agi: the call guard in the call path of a PBX node. The rendered dialplan (lib/guard/render.ts) runs
# it as an AGI before every outbound call and again from the call's hangup handler:
#
#   AGI(/var/lib/rampart/guard/rampart-guard-agi.sh,decide,NUMBER,ENDPOINT)   before the Dial
#   AGI(/var/lib/rampart/guard/rampart-guard-agi.sh,end,BILLSEC)              in the hangup handler of an allowed call
#   rampart-guard-agi.sh --check POLICY                                       the agent's validation of a pushed policy
#
# Arguments arrive through Asterisk's AGI environment (agi_arg_N on stdin), never through a shell, and each is
# checked against its own pattern before use; so is every line of every file read. The decision itself is
# rampart-guard.sh's (the same as lib/guard/decide.ts, property-tested): this script gathers its input (the pushed
# policy, the cluster's spend, this node's own spend, the calls in progress, the extension's recent starts) under one
# lock, records what was decided, and answers Asterisk with channel variables:
#
#   RAMPART_GUARD_RESULT  allow | refuse | block       anything else (no answer at all included) must be a refusal
#   RAMPART_GUARD_REASON  why a call was refused or blocked
#   RAMPART_GUARD_CAP     seconds the call may last (0: no cap)
#   CDR(userfield)        "rampart-guard <outcome> ..." (lib/guard/outcome.ts parses it): the call's record says
#                         what was decided, and for an allowed call the rate it is billed at.
#
# Files (R is /var/lib/rampart):
#   R/guard/policy          pushed with the ruleset (lib/guard/render.ts), format checked by --check
#   R/guard-cluster         uploaded by the collector every poll: the other nodes' spend, the cluster's blocks and
#                           lifts, and when it was written (its age says whether the panel is reachable)
#   R/guard-state/          this node's own: spend/dYYYYMMDD/ACCOUNT[.EXT] and spend/mYYYYMM/ACCOUNT (units of
#                           1/10,000 of the call's currency), calls/UNIQUEID (reservations of calls in progress),
#                           starts/ACCOUNT.EXT/DIGITS (recent starts to one international number), blocked/ACCOUNT.EXT
#
# Spend of this node is counted here, exactly, when each call ends (the same price the panel computes from its CDR);
# the other nodes' spend comes from the panel. Days and months are UTC, as the panel's.

LC_ALL=C
export LC_ALL
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

R=${RAMPART_GUARD_ROOT:-/var/lib/rampart}
G=$R/guard
S=$R/guard-state
CLUSTER=$R/guard-cluster
GUARD_SH="${0%/*}/rampart-guard.sh"

# shellcheck source=lib/guard/guard-lib.sh
. "${0%/*}/guard-lib.sh"

# --- the policy format --------------------------------------------------------------------------------------------
# Shared awk helpers (no interval expressions: mawk, Debian's default awk, may not have them).
AWK_LIB='
	function money(t,  p) { if (t !~ /^[0-9]+(\.[0-9]+)?$/) return 0; p = index(t, "."); return p ? (p <= 11 && length(t) - p <= 4) : length(t) <= 10 }
	function word(t) { return t ~ /^[A-Za-z0-9_-]+$/ && length(t) <= 40 }
	function digits(t, n) { return t ~ /^[0-9]+$/ && length(t) <= n }
	function opt_money(t) { return t == "none" || money(t) }
	function currency(t) { return t ~ /^[A-Z][A-Z][A-Z]$/ }
'

# check_policy FILE: every line one of these, in this order, unique where it names a thing; exit 0 or print why.
check_policy() {
	awk "$AWK_LIB"'
		function fail(why) { print "line " NR ": " why; bad = 1; exit 1 }
		function header(key, n) { if (index($0, key "=") != 1) fail("line " n " must be " key "="); return substr($0, length(key) + 2) }
		NR == 1 { if ($0 != "rampart-guard-policy=1") fail("not a guard policy"); next }
		ended { fail("text after end=1") }
		length($0) > 200 { fail("line too long") }
		NR == 2 { v = header("version", 2); if (v !~ /^[A-Za-z0-9_.-]+$/ || length(v) > 64) fail("bad version"); next }
		NR == 3 { v = header("enabled", 3); if (v != "0" && v != "1") fail("bad enabled"); next }
		NR == 4 { v = header("offline", 4); if (v != "refuse-international" && v != "allow-capped") fail("bad offline"); next }
		NR == 5 { v = header("stale_after", 5); if (!digits(v, 5) || v + 0 < 30 || v + 0 > 86400) fail("bad stale_after"); next }
		NR == 6 { v = header("max_call_seconds", 6); if (!digits(v, 5) || v + 0 < 1 || v + 0 > 86400) fail("bad max_call_seconds"); next }
		NR == 7 {
			v = header("abuse", 7)
			if (v == "off") next
			n = split(v, f, " ")
			if (n != 2 || !digits(f[1], 4) || !digits(f[2], 5) || f[1] + 0 < 1 || f[1] + 0 > 1000 || f[2] + 0 < 10 || f[2] + 0 > 86400) fail("bad abuse line")
			next
		}
		/^tenant=/ {
			n = split(substr($0, 8), f, " ")
			if (n != 5 || !word(f[1]) || !currency(f[2]) || f[3] !~ /^[0-4]$/ || !opt_money(f[4]) || !opt_money(f[5])) fail("bad tenant line")
			if (("t" f[1]) in seen) fail("tenant " f[1] " twice"); seen["t" f[1]] = 1; next
		}
		/^extension=/ {
			n = split(substr($0, 11), f, " ")
			if (n != 4 || !word(f[1]) || !word(f[2]) || !currency(f[3]) || !money(f[4])) fail("bad extension line")
			if (("e" f[1] " " f[2]) in seen) fail("extension " f[2] " twice"); seen["e" f[1] " " f[2]] = 1; next
		}
		/^route=/ {
			n = split(substr($0, 7), f, " ")
			if (n != 4 || !digits(f[1], 15) || !currency(f[2]) || f[3] !~ /^[0-4]$/ || !money(f[4])) fail("bad route line")
			if (("r" f[1]) in seen) fail("route " f[1] " twice"); seen["r" f[1]] = 1; next
		}
		/^rate=/ {
			n = split(substr($0, 6), f, " ")
			if (n != 6 || !digits(f[1], 15) || !digits(f[2], 20) || !money(f[3]) || !money(f[4]) || !digits(f[5], 4) || !digits(f[6], 4)) fail("bad rate line")
			if (f[5] + 0 < 1 || f[5] + 0 > 3600 || f[6] + 0 < 1 || f[6] + 0 > 3600) fail("bad increment")
			if (!(("r" f[1]) in seen)) fail("rate of an unknown route")
			if (("p" f[1] " " f[2]) in seen) fail("rate " f[2] " twice"); seen["p" f[1] " " f[2]] = 1; next
		}
		$0 == "end=1" { ended = 1; next }
		{ fail("unknown line") }
		END { if (!bad && !ended) { print "no end=1 (cut short)"; exit 1 } }
	' "$1"
}

# check_cluster FILE: the collector's file is well formed (else it is ignored, as if the panel were unreachable).
check_cluster() {
	awk "$AWK_LIB"'
		function value(key) { return index($0, key "=") == 1 ? substr($0, length(key) + 2) : "" }
		NR == 1 { if ($0 != "rampart-guard-cluster=1") exit 1; next }
		ended { exit 1 }
		NR == 2 { if (!digits(value("at"), 10)) exit 1; next }
		NR == 3 { v = value("day"); if (v !~ /^d[0-9]+$/ || length(v) != 9) exit 1; next }
		NR == 4 { v = value("month"); if (v !~ /^m[0-9]+$/ || length(v) != 7) exit 1; next }
		NR == 5 { if (!digits(value("serial"), 20)) exit 1; next }
		$0 == "end=1" { ended = 1; next }
		{
			k = substr($0, 1, index($0, "=") - 1); n = split(substr($0, length(k) + 2), f, " ")
			if (k == "spend_ext" && n == 3 && word(f[1]) && word(f[2]) && money(f[3])) next
			if ((k == "spend_day" || k == "spend_month") && n == 2 && word(f[1]) && money(f[2])) next
			if ((k == "block" || k == "lift") && n == 3 && word(f[1]) && word(f[2]) && digits(f[3], 10)) next
			exit 1
		}
		END { exit ended ? 0 : 1 }' "$1"
}

if [ "${1:-}" = --check ]; then
	[ "$#" -eq 2 ] && [ -f "$2" ] || { echo "usage: rampart-guard-agi.sh --check POLICY" >&2; exit 2; }
	why=$(check_policy "$2") || { echo "guard policy rejected: $why" >&2; exit 1; }
	exit 0
fi

# --- AGI -------------------------------------------------------------------------------------------------------------
VERB= ARG2= ARG3= ARG4= ACCOUNT= UNIQUE=
while IFS= read -r agi_line; do
	[ -z "$agi_line" ] && break
	case $agi_line in
	'agi_arg_1: '*) VERB=${agi_line#agi_arg_1: } ;;
	'agi_arg_2: '*) ARG2=${agi_line#agi_arg_2: } ;;
	'agi_arg_3: '*) ARG3=${agi_line#agi_arg_3: } ;;
	'agi_arg_4: '*) ARG4=${agi_line#agi_arg_4: } ;;
	'agi_accountcode: '*) ACCOUNT=${agi_line#agi_accountcode: } ;;
	'agi_uniqueid: '*) UNIQUE=${agi_line#agi_uniqueid: } ;;
	esac
done

# agi COMMAND...: one AGI command, its "200 result=..." answer read (the channel may be gone: no answer is fine).
agi() {
	printf '%s\n' "$*"
	IFS= read -r agi_answer || :
}

# answer RESULT REASON CAP USERFIELD: the decision, to Asterisk. Values are from this script's own words only.
answer() {
	agi SET VARIABLE RAMPART_GUARD_RESULT "\"$1\""
	agi SET VARIABLE RAMPART_GUARD_REASON "\"$2\""
	agi SET VARIABLE RAMPART_GUARD_CAP "\"$3\""
	agi SET VARIABLE "CDR(userfield)" "\"$4\""
	exit 0
}

is_word() {
	case $1 in '' | *[!A-Za-z0-9_-]*) return 1 ;; esac
	[ "${#1}" -le 40 ]
}

# Without a lock, a policy or a state directory there is no decision: refuse (the dialplan refuses an empty result).
malformed() {
	answer refuse malformed 0 "rampart-guard refuse malformed"
}

# The call path forks as little as it can (a fork and exec costs milliseconds on a busy node, and call set-up waits
# for this): files are read with the shell's own read, amounts formatted without subshells, the day computed from
# Asterisk's ${EPOCH} in shell arithmetic; what remains is flock, one fixed-string grep of the policy, one of the
# cluster file and the decision (sourced in a subshell: a fork, no exec). `npm run bench -- guard` measures it.
is_word "$ACCOUNT" || ACCOUNT=-
case $UNIQUE in '' | *[!A-Za-z0-9_.-]*) malformed ;; esac
[ "${#UNIQUE}" -le 64 ] || malformed
[ -d "$S/spend" ] || mkdir -p "$S/calls" "$S/starts" "$S/blocked" "$S/spend" 2>/dev/null || malformed
exec 8>"$S/lock" || malformed
flock -w 10 8 || malformed

# The time: Asterisk's ${EPOCH} (decide's third argument; `date` without it), or RAMPART_GUARD_NOW, the clock of
# the unit tests (Asterisk never sets it).
now=${RAMPART_GUARD_NOW:-}
[ -n "$now" ] || { [ "$VERB" = decide ] && is_digits "${ARG4:-x}" 10 && now=$ARG4; } || now=$(date +%s)
is_digits "$now" 10 || malformed
to_int "$now"
now=$N
# The UTC day and month of $now (Howard Hinnant's civil_from_days, integers only).
z=$((now / 86400 + 719468))
era=$((z / 146097))
doe=$((z - era * 146097))
yoe=$(((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365))
doy=$((doe - (365 * yoe + yoe / 4 - yoe / 100)))
mp=$(((5 * doy + 2) / 153))
d=$((doy - (153 * mp + 2) / 5 + 1))
if [ "$mp" -lt 10 ]; then mo=$((mp + 3)); else mo=$((mp - 9)); fi
y=$((yoe + era * 400))
[ "$mo" -le 2 ] && y=$((y + 1))
[ "$mo" -lt 10 ] && mo=0$mo
[ "$d" -lt 10 ] && d=0$d
day=d$y$mo$d month=m$y$mo

# units FILE: the integer in FILE (units of 1/10,000), 0 when absent; malformed when not an integer.
units() {
	U=0
	[ -f "$1" ] || return 0
	IFS= read -r u_text <"$1" || :
	is_digits "$u_text" 20 || malformed
	to_int "$u_text"
	U=$N
}

# add_units FILE AMOUNT: FILE += AMOUNT, written in place (every reader and writer holds the lock).
add_units() {
	units "$1"
	printf '%s\n' $((U + $2)) >"$1"
}

# money_text UNITS: F is UNITS as a DECIMAL(14,4) string (no subshell).
money_text() {
	f_fraction=$(($1 % 10000))
	case ${#f_fraction} in 1) f_fraction=000$f_fraction ;; 2) f_fraction=00$f_fraction ;; 3) f_fraction=0$f_fraction ;; esac
	F="$(($1 / 10000)).$f_fraction"
}

if [ "$VERB" = end ]; then
	# The hangup handler of an allowed call: its cost by the rate it was allowed at goes into this node's spend, and
	# its reservation is dropped in the same locked step (never before, so the spend never misses it).
	call=$S/calls/$UNIQUE
	[ -f "$call" ] || exit 0
	billsec=$ARG2
	is_digits "$billsec" 6 || billsec=0
	to_int "$billsec"
	billsec=$N
	# Written by this script: eleven checked fields.
	read -r c_account c_ext c_reserved rate_cost rate_fee c_first c_next c_digits c_day c_month c_at c_rest <"$call" || :
	if [ -n "${c_rest:-}" ] || [ -z "${c_at:-}" ]; then rm -f "$call"; exit 0; fi
	minor_scale=1
	i=$c_digits
	while [ "$i" -lt 4 ]; do minor_scale=$((minor_scale * 10)); i=$((i + 1)); done
	cost_denominator=$((60 * minor_scale))
	spent=0
	if [ "$billsec" -gt 0 ]; then
		billed=$c_first
		[ "$billsec" -gt "$c_first" ] && billed=$((c_first + (billsec - c_first + c_next - 1) / c_next * c_next))
		cost "$billed"
		spent=$C
	fi
	[ -d "$S/spend/$c_day" ] && [ -d "$S/spend/$c_month" ] || mkdir -p "$S/spend/$c_day" "$S/spend/$c_month"
	add_units "$S/spend/$c_day/$c_account.$c_ext" "$spent"
	add_units "$S/spend/$c_day/$c_account" "$spent"
	add_units "$S/spend/$c_month/$c_account" "$spent"
	rm -f "$call"
	exit 0
fi

[ "$VERB" = decide ] || malformed
NUMBER=$ARG2
ENDPOINT=$ARG3
case $NUMBER in '' | *[!0-9+]* | ?*+*) malformed ;; esac
is_digits "${NUMBER#+}" 32 || malformed
is_word "$ENDPOINT" || malformed
POLICY=$G/policy
[ -f "$POLICY" ] || malformed

# The policy's header (checked by the agent with --check before it was installed; the values used are checked again).
{
	IFS= read -r p_magic
	IFS= read -r p_version
	IFS= read -r p_enabled
	IFS= read -r p_offline
	IFS= read -r p_stale
	IFS= read -r p_max
	IFS= read -r p_abuse
} <"$POLICY" || malformed
[ "$p_magic" = rampart-guard-policy=1 ] || malformed
p_enabled=${p_enabled#enabled=} p_offline=${p_offline#offline=} p_stale=${p_stale#stale_after=} p_max=${p_max#max_call_seconds=} p_abuse=${p_abuse#abuse=}
is_digits "$p_stale" 5 && is_digits "$p_max" 5 || malformed

# The number's digits as the rates match them (a leading + is not part of a prefix).
digits=${NUMBER#+}
international=0
case $NUMBER in +* | 00*) international=1 ;; esac

if [ "$p_enabled" = 0 ]; then
	answer allow off 0 "rampart-guard off $ACCOUNT $ENDPOINT $NUMBER"
fi
[ "$p_enabled" = 1 ] || malformed

refuse() { # REASON: refused, recorded with its reason
	answer refuse "$1" 0 "rampart-guard refuse $1 $ACCOUNT $ENDPOINT $NUMBER"
}
[ "$ACCOUNT" = - ] && refuse no-account

# One fixed-string grep finds this tenant's and this extension's lines, every route whose prefix begins the number
# and every rate of those routes whose prefix begins it ("rate=ROUTE RATE " for each pair of the number's
# prefixes). Every policy line starts with its key, so a pattern that starts with "key=" matches at a line's start.
NL='
'
patterns="tenant=$ACCOUNT ${NL}extension=$ACCOUNT $ENDPOINT ${NL}"
route_candidate=$digits
while [ -n "$route_candidate" ]; do
	if [ "${#route_candidate}" -le 15 ]; then
		patterns="${patterns}route=$route_candidate ${NL}"
		rate_candidate=$digits
		while [ "${#rate_candidate}" -gt 0 ]; do
			[ "${#rate_candidate}" -le 20 ] && patterns="${patterns}rate=$route_candidate $rate_candidate ${NL}"
			rate_candidate=${rate_candidate%?}
		done
	fi
	route_candidate=${route_candidate%?}
done
printf '%s' "$patterns" >"$S/patterns" || malformed
tenant_line= ext_line= route= route_length=0 rate_lines=
while IFS= read -r p_line; do
	case $p_line in
	tenant=*) tenant_line=${p_line#tenant=} ;;
	extension=*) ext_line=${p_line#extension=} ;;
	route=*)
		r_prefix=${p_line#route=}
		r_prefix=${r_prefix%% *}
		if [ "${#r_prefix}" -gt "$route_length" ]; then route=${p_line#route=} route_length=${#r_prefix}; fi
		;;
	rate=*) rate_lines="$rate_lines$p_line$NL" ;;
	esac
done <<EOF
$(grep -F -f "$S/patterns" "$POLICY")
EOF
[ -n "$tenant_line" ] || refuse unknown-account

# The cluster file: a copy is kept of the last one that was well formed (the upload is not atomic: a file caught
# half-written is passed over); its age decides whether the panel counts as reachable.
# (Every file the panel writes has its own serial=, line 5: a file with the good copy's serial is that copy.)
new_head= good_head=
[ -f "$CLUSTER" ] && { read -r l1 && read -r l2 && read -r l3 && read -r l4 && IFS= read -r new_head; } <"$CLUSTER"
[ -f "$S/cluster.good" ] && { read -r l1 && read -r l2 && read -r l3 && read -r l4 && IFS= read -r good_head; } <"$S/cluster.good"
if [ -n "$new_head" ] && [ "$new_head" != "$good_head" ]; then
	cp "$CLUSTER" "$S/cluster.tmp" 2>/dev/null && check_cluster "$S/cluster.tmp" && mv "$S/cluster.tmp" "$S/cluster.good"
	rm -f "$S/cluster.tmp"
fi
offline=1 c_day= c_month= c_ext=0 c_tenant_day=0 c_tenant_month=0 c_block=0 c_lift=0
if [ -f "$S/cluster.good" ]; then
	{
		IFS= read -r c_magic
		IFS= read -r c_at
		IFS= read -r c_day
		IFS= read -r c_month
	} <"$S/cluster.good"
	c_at=${c_at#at=} c_day=${c_day#day=} c_month=${c_month#month=}
	is_digits "$c_at" 10 || malformed
	to_int "$c_at"
	to_int_at=$N
	to_int "$p_stale"
	[ $((now - to_int_at)) -le "$N" ] && offline=0
	while IFS= read -r c_line; do
		case $c_line in
		"spend_ext=$ACCOUNT $ENDPOINT "*) parse_money "${c_line##* }" && c_ext=$M ;;
		"spend_day=$ACCOUNT "*) parse_money "${c_line##* }" && c_tenant_day=$M ;;
		"spend_month=$ACCOUNT "*) parse_money "${c_line##* }" && c_tenant_month=$M ;;
		"block=$ACCOUNT $ENDPOINT "*) c_block=1 ;;
		"lift=$ACCOUNT $ENDPOINT "*)
			l_at=${c_line##* }
			to_int "$l_at"
			[ "$N" -gt "$c_lift" ] && c_lift=$N
			;;
		esac
	done <<EOF
$(grep -E "^(spend_ext=$ACCOUNT $ENDPOINT |spend_day=$ACCOUNT |spend_month=$ACCOUNT |block=$ACCOUNT $ENDPOINT |lift=$ACCOUNT $ENDPOINT )" "$S/cluster.good")
EOF
fi

# Blocks: this node's own (lifted by a cluster lift at or after it) and the cluster's.
block_file=$S/blocked/$ACCOUNT.$ENDPOINT
if [ -f "$block_file" ]; then
	read -r block_at block_number <"$block_file" || :
	if is_digits "${block_at:-x}" 10 && [ "$c_lift" -ge "$block_at" ]; then rm -f "$block_file"; else refuse blocked; fi
fi
[ "$c_block" -eq 1 ] && refuse blocked

[ "$offline" -eq 1 ] && [ "$international" -eq 1 ] && [ "$p_offline" = refuse-international ] && refuse offline

# The rate: the longest rate prefix of the number in the route (one fixed-string grep for the number's prefixes).
[ -n "$route" ] || refuse unpriced
# shellcheck disable=SC2086 # a checked policy line: four single-spaced words
set -- $route
route_prefix=$1 currency=$2 minor_digits=$3 route_max=$4
rate= rate_length=0
while IFS= read -r p_line; do
	case $p_line in "rate=$route_prefix "*) ;; *) continue ;; esac
	r=${p_line#rate=* }
	r_prefix=${r%% *}
	if [ "${#r_prefix}" -gt "$rate_length" ]; then rate=${r#* } rate_length=${#r_prefix}; fi
done <<EOF
$rate_lines
EOF
[ -n "$rate" ] || refuse unpriced

# shellcheck disable=SC2086
set -- $tenant_line
tenant_currency=$2 tenant_daily=$4 tenant_monthly=$5
ext_daily=none
if [ -n "$ext_line" ]; then
	# shellcheck disable=SC2086
	set -- $ext_line
	[ "$3" = "$currency" ] || refuse currency
	ext_daily=$4
fi
# A budget kept in another currency than the route's cannot be compared with its price: refuse, never convert.
if [ "$tenant_daily" != none ] || [ "$tenant_monthly" != none ]; then
	[ "$tenant_currency" = "$currency" ] || refuse currency
fi

# Spend: this node's own (exact, from its ended calls) plus the other nodes' (from the panel, when it is today's).
units "$S/spend/$day/$ACCOUNT.$ENDPOINT"
ext_spent=$U
units "$S/spend/$day/$ACCOUNT"
tenant_day_spent=$U
units "$S/spend/$month/$ACCOUNT"
tenant_month_spent=$U
if [ "$c_day" = "$day" ]; then
	ext_spent=$((ext_spent + c_ext))
	tenant_day_spent=$((tenant_day_spent + c_tenant_day))
fi
[ "$c_month" = "$month" ] && tenant_month_spent=$((tenant_month_spent + c_tenant_month))

budget_line() { # KEY LIMIT SPENT_UNITS
	if [ "$2" = none ]; then echo "$1=none"; else money_text "$3" && echo "$1=$2 $F"; fi
}

input=$S/input
kept_starts=
to_int "$p_max"
stale=$((now - N - 300))
# One small file per extension and international number called (starts/ACCOUNT.EXT/DIGITS): a decision reads
# only its own number's starts. National numbers are never counted for abuse.
starts=
if [ "$international" -eq 1 ] && [ "$p_abuse" != off ]; then
	starts_dir=$S/starts/$ACCOUNT.$ENDPOINT
	case $NUMBER in +*) starts=$starts_dir/${NUMBER#+} ;; *) starts=$starts_dir/${NUMBER#00} ;; esac
fi
{
	echo rampart-guard=1
	echo "now=$now"
	echo "number=$NUMBER"
	echo "minor_unit_digits=$minor_digits"
	echo "max_call_seconds=$p_max"
	echo "rate=$rate"
	echo "route_max_cost_per_minute=$route_max"
	budget_line extension_daily "$ext_daily" "$ext_spent"
	budget_line tenant_daily "$tenant_daily" "$tenant_day_spent"
	budget_line tenant_monthly "$tenant_monthly" "$tenant_month_spent"
	echo "abuse=$p_abuse"
	# Calls in progress of this tenant (a reservation older than the longest call and a margin is stale: dropped).
	for f in "$S/calls"/*; do
		[ -f "$f" ] || continue
		read -r r_account r_ext r_reserved r_rest <"$f" || continue
		r_at=${r_rest##* }
		is_digits "${r_at:-x}" 10 && is_digits "${r_reserved:-x}" 20 || continue
		if [ "$r_at" -lt "$stale" ]; then rm -f "$f"; continue; fi
		[ "$r_account" = "$ACCOUNT" ] || continue
		money_text "$r_reserved"
		if [ "$r_ext" = "$ENDPOINT" ]; then echo "call=this $F"; else echo "call=other $F"; fi
	done
	# This extension's starts to this same international number within the abuse window (the only starts the
	# decision counts; older ones are dropped when the file is written again), at most 999 (the decision refuses
	# more than 1,000; the abuse limit is at most 1,000 calls).
	if [ -n "$starts" ] && [ -f "$starts" ]; then
		window=${p_abuse#* }
		kept=0
		while read -r s_at; do
			if is_digits "${s_at:-x}" 10 && [ "$s_at" -gt $((now - window)) ] && [ "$kept" -lt 999 ]; then
				echo "start=$s_at $NUMBER"
				kept_starts="$kept_starts$s_at$NL"
				kept=$((kept + 1))
			fi
		done <"$starts"
	fi
	echo end=1
} >"$input"
# Sourced in a subshell (its exit ends only the subshell): the decision without starting another shell.
decision=$(
	set -- "$input"
	. "$GUARD_SH"
)

case $decision in
"allow "*)
	# shellcheck disable=SC2086 # "allow CAP RESERVED" from rampart-guard.sh
	set -- $decision
	cap=$2 reserved=$3
	parse_money "$reserved"
	reserved_units=$M
	# shellcheck disable=SC2086 # the checked rate: four words
	set -- $rate
	parse_money "$1"
	r_cost=$M
	parse_money "$2"
	r_fee=$M
	printf '%s %s %s %s %s %s %s %s %s %s %s\n' "$ACCOUNT" "$ENDPOINT" "$reserved_units" "$r_cost" "$r_fee" "$3" "$4" "$minor_digits" "$day" "$month" "$now" >"$S/calls/$UNIQUE"
	# The start counts for abuse detection: the starts still in the window, and this one (written in place). Now
	# and then, files of numbers not called for a day go.
	if [ -n "$starts" ]; then
		[ -d "$starts_dir" ] || mkdir -p "$starts_dir"
		printf '%s%s\n' "$kept_starts" "$now" >"$starts"
		[ $((now % 97)) -ne 0 ] || find "$S/starts" -type f -mmin +1440 -delete 2>/dev/null
	fi
	answer allow "" "$cap" "rampart-guard allow $ACCOUNT $ENDPOINT $NUMBER $currency $rate $cap $reserved"
	;;
"block abuse")
	echo "$now $NUMBER" >"$block_file"
	answer block abuse 0 "rampart-guard block abuse $ACCOUNT $ENDPOINT $NUMBER"
	;;
"refuse "*)
	refuse "${decision#refuse }"
	;;
*)
	refuse malformed
	;;
esac
