#!/bin/sh
# rampart-guard: the call guard's decision on the PBX node, the same as lib/guard/decide.ts (decideCall), which is
# its reference model; lib/guard/rampart-guard.test.ts runs this script against it on random inputs.
#
# The call path (rampart-guard-agi.sh) sources it in a subshell for each outbound call, with the input it wrote.
#
# Usage: rampart-guard.sh FILE
#   FILE is the guard input (as renderGuardFile, lib/guard/guard-file.ts, writes it): key=value lines in a fixed order,
#   ending with end=1. The data travels only in that file: the script takes exactly one argument, the file's path, and
#   must never be given call data through argv (least of all from a remote command), so no number or amount is ever
#   parsed by a shell that did not validate it.
#
# Prints exactly one line and exits 0 for allow, 1 for anything else:
#   allow CAP_SECONDS RESERVED     RESERVED with the currency's minor-unit decimals, as lib/pricing prints costs
#   refuse unpriced|route-cost|extension-daily|tenant-daily|tenant-monthly
#   block abuse
#   refuse malformed               any line, value, order or count the format does not allow: never allow on bad input
# A caller must treat anything but a line starting "allow " (no output, a crash, a timeout) as a refusal.
#
# POSIX sh (dash-compatible), integer arithmetic only. Shell arithmetic is 64-bit signed, so every input is bounded
# before it is used: amounts at most 10 + 4 digits (< 10^14 units of 1/10,000), timestamps at most 10 digits,
# increments 1..3600, max_call_seconds 1..86400, at most 1,000 call= and 1,000 start= lines. The largest number ever
# formed is a cost numerator 60 × fee + cost per minute × billed seconds ≤ 60 × 10^14 + 10^14 × 89,999 < 9.01 × 10^18
# < 2^63 − 1; sums of reservations stay below 10^17. Leading zeros are stripped before arithmetic (sh reads 010 as 8).

LC_ALL=C
export LC_ALL

malformed() {
	printf 'refuse malformed\n'
	exit 1
}

# is_digits, to_int, parse_int and parse_money come from the one shared library (with the call path's wrapper).
# shellcheck source=lib/guard/guard-lib.sh
. "${0%/*}/guard-lib.sh"

# check_number TEXT: 1..32 digits, optionally after +.
check_number() {
	is_digits "${1#+}" 32 || malformed
}

# international TEXT: sets D to the digits after + or 00 and succeeds, or fails for a national number.
international() {
	case $1 in
	+*) D=${1#+} ;;
	00*) D=${1#00} ;;
	*) return 1 ;;
	esac
}

# parse_budget VALUE: none, or LIMIT SPENT; sets B_SET (1/0), B_LIMIT, B_SPENT.
parse_budget() {
	B_SET=0
	B_LIMIT=0
	B_SPENT=0
	[ "$1" = none ] && return 0
	b_limit=${1%% *}
	b_spent=${1#* }
	[ "$b_limit" != "$1" ] || malformed
	case $b_spent in '' | *' '*) malformed ;; esac
	parse_money "$b_limit"
	B_LIMIT=$M
	parse_money "$b_spent"
	B_SPENT=$M
	B_SET=1
}

[ "$#" -eq 1 ] || malformed
[ -f "$1" ] && [ -r "$1" ] || malformed

expected=header
calls=0
starts=0
reserved_extension=0
reserved_tenant=0
recent_same=0
while IFS= read -r line; do
	# Bounded, printable, single-spaced text only; the header is the one line with a dash.
	[ "${#line}" -le 200 ] || malformed
	if [ "$expected" = header ]; then
		[ "$line" = rampart-guard=1 ] || malformed
		expected=now
		continue
	fi
	case $line in *[!a-z0-9_=.+' ']* | *'  '* | *' ' | *'= '*) malformed ;; esac
	key=${line%%=*}
	value=${line#*=}
	[ "$key" != "$line" ] || malformed
	case $value in '' | *=*) malformed ;; esac
	# call= and start= repeat; after the last one of each, the next key must follow.
	if [ "$expected" = call ] && [ "$key" != call ]; then expected=start; fi
	if [ "$expected" = start ] && [ "$key" != start ]; then expected=end; fi
	[ "$key" = "$expected" ] || malformed
	case $key in
	now)
		parse_int "$value" 10 0 9999999999
		now=$N
		expected=number
		;;
	number)
		check_number "$value"
		number=$value
		expected=minor_unit_digits
		;;
	minor_unit_digits)
		parse_int "$value" 1 0 4
		minor_digits=$N
		expected=max_call_seconds
		;;
	max_call_seconds)
		parse_int "$value" 5 1 86400
		max_call_seconds=$N
		expected=rate
		;;
	rate)
		if [ "$value" = none ]; then
			has_rate=0
		else
			has_rate=1
			set -f
			# shellcheck disable=SC2086 # splitting on single spaces is the point; the line was checked above
			set -- $value
			set +f
			[ "$#" -eq 4 ] || malformed
			parse_money "$1"
			rate_cost=$M
			parse_money "$2"
			rate_fee=$M
			parse_int "$3" 4 1 3600
			rate_first=$N
			parse_int "$4" 4 1 3600
			rate_next=$N
		fi
		expected=route_max_cost_per_minute
		;;
	route_max_cost_per_minute)
		if [ "$value" = none ]; then
			has_route_max=0
		else
			has_route_max=1
			parse_money "$value"
			route_max=$M
		fi
		expected=extension_daily
		;;
	extension_daily)
		parse_budget "$value"
		extension_set=$B_SET extension_limit=$B_LIMIT extension_spent=$B_SPENT
		expected=tenant_daily
		;;
	tenant_daily)
		parse_budget "$value"
		tenant_daily_set=$B_SET tenant_daily_limit=$B_LIMIT tenant_daily_spent=$B_SPENT
		expected=tenant_monthly
		;;
	tenant_monthly)
		parse_budget "$value"
		tenant_monthly_set=$B_SET tenant_monthly_limit=$B_LIMIT tenant_monthly_spent=$B_SPENT
		expected=abuse
		;;
	abuse)
		if [ "$value" = off ]; then
			abuse_on=0
		else
			abuse_on=1
			abuse_max=${value%% *}
			abuse_window=${value#* }
			[ "$abuse_max" != "$value" ] || malformed
			parse_int "$abuse_max" 4 1 1000
			abuse_max=$N
			parse_int "$abuse_window" 5 10 86400
			abuse_window=$N
		fi
		expected=call
		;;
	call)
		calls=$((calls + 1))
		[ "$calls" -le 1000 ] || malformed
		scope=${value%% *}
		amount=${value#* }
		[ "$scope" != "$value" ] || malformed
		parse_money "$amount"
		case $scope in
		this) reserved_extension=$((reserved_extension + M)) ;;
		other) ;;
		*) malformed ;;
		esac
		reserved_tenant=$((reserved_tenant + M))
		;;
	start)
		starts=$((starts + 1))
		[ "$starts" -le 1000 ] || malformed
		start_at=${value%% *}
		start_number=${value#* }
		[ "$start_at" != "$value" ] || malformed
		parse_int "$start_at" 10 0 9999999999
		start_at=$N
		check_number "$start_number"
		if international "$start_number"; then
			start_digits=$D
			if international "$number" && [ "$D" = "$start_digits" ] && [ "$start_at" -gt $((now - ${abuse_window:-0})) ]; then
				recent_same=$((recent_same + 1))
			fi
		fi
		;;
	end)
		[ "$value" = 1 ] || malformed
		expected=eof
		;;
	*) malformed ;;
	esac
done <"$1"
[ "$expected" = eof ] || malformed

# 1. Abuse: this extension already started abuse_max calls to the same international number within the window.
if [ "$abuse_on" -eq 1 ] && international "$number" && [ "$recent_same" -ge "$abuse_max" ]; then
	printf 'block abuse\n'
	exit 1
fi

# 2. Unpriced, 3. over the route's maximum cost per minute.
if [ "$has_rate" -eq 0 ]; then
	printf 'refuse unpriced\n'
	exit 1
fi
if [ "$has_route_max" -eq 1 ] && [ "$rate_cost" -gt "$route_max" ]; then
	printf 'refuse route-cost\n'
	exit 1
fi

minor_scale=1
i=$minor_digits
while [ "$i" -lt 4 ]; do
	minor_scale=$((minor_scale * 10))
	i=$((i + 1))
done
cost_denominator=$((60 * minor_scale))

# 4. Budgets, narrowest first: refuse the first whose remaining amount does not cover the first increment.
cost "$rate_first"
first_cost=$C
has_budget=0
smallest=0
check_budget() { # REASON SET LIMIT SPENT RESERVED
	[ "$2" -eq 1 ] || return 0
	b_remaining=$(($3 - $4 - $5))
	if [ "$b_remaining" -lt "$first_cost" ]; then
		printf 'refuse %s\n' "$1"
		exit 1
	fi
	if [ "$has_budget" -eq 0 ] || [ "$b_remaining" -lt "$smallest" ]; then smallest=$b_remaining; fi
	has_budget=1
}
check_budget extension-daily "$extension_set" "$extension_limit" "$extension_spent" "$reserved_extension"
check_budget tenant-daily "$tenant_daily_set" "$tenant_daily_limit" "$tenant_daily_spent" "$reserved_tenant"
check_budget tenant-monthly "$tenant_monthly_set" "$tenant_monthly_limit" "$tenant_monthly_spent" "$reserved_tenant"

# 5. The cap: the longest boundary first + k × next whose cost fits the smallest remaining amount (binary search; cost
# never falls as a call grows), cut to max_call_seconds.
high=0
if [ "$max_call_seconds" -gt "$rate_first" ]; then high=$(((max_call_seconds - rate_first + rate_next - 1) / rate_next)); fi
low=$high
if [ "$has_budget" -eq 1 ]; then
	low=0
	while [ "$low" -lt "$high" ]; do
		middle=$(((low + high + 1) / 2))
		cost $((rate_first + middle * rate_next))
		if [ "$C" -le "$smallest" ]; then low=$middle; else high=$((middle - 1)); fi
	done
fi
cap=$((rate_first + low * rate_next))
if [ "$cap" -gt "$max_call_seconds" ]; then cap=$max_call_seconds; fi

# reserved: the cost of a call of cap seconds, billed first increment then whole next increments.
billed=$rate_first
if [ "$cap" -gt "$rate_first" ]; then billed=$((rate_first + (cap - rate_first + rate_next - 1) / rate_next * rate_next)); fi
cost "$billed"
if [ "$minor_digits" -eq 0 ]; then
	printf 'allow %d %d\n' "$cap" "$C_MINOR"
else
	unit=1
	i=0
	while [ "$i" -lt "$minor_digits" ]; do
		unit=$((unit * 10))
		i=$((i + 1))
	done
	printf "allow %d %d.%0${minor_digits}d\n" "$cap" $((C_MINOR / unit)) $((C_MINOR % unit))
fi
exit 0
