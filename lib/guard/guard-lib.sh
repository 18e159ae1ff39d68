# guard-lib.sh: the number parsing shared by rampart-guard.sh (the decision) and rampart-guard-agi.sh (the call
# path). Sourced, never run; POSIX sh. A function that finds bad input calls malformed, which each script defines.

# is_digits TEXT MAX_LENGTH: TEXT is 1..MAX_LENGTH ASCII digits.
is_digits() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	[ "${#1}" -le "$2" ]
}

# to_int DIGITS: sets N to the value, without the octal trap of leading zeros.
to_int() {
	N=${1#"${1%%[!0]*}"}
	N=${N:-0}
}

# parse_int TEXT MAX_LENGTH MIN MAX: sets N or declares the file malformed.
parse_int() {
	is_digits "$1" "$2" || malformed
	to_int "$1"
	[ "$N" -ge "$3" ] && [ "$N" -le "$4" ] || malformed
}

# parse_money TEXT: DECIMAL(14,4) (\d{1,10}(\.\d{1,4})?) to units of 1/10,000 in M, or malformed.
parse_money() {
	case $1 in
	*.*)
		m_whole=${1%%.*}
		m_fraction=${1#*.}
		is_digits "$m_fraction" 4 || malformed
		;;
	*)
		m_whole=$1
		m_fraction=
		;;
	esac
	is_digits "$m_whole" 10 || malformed
	while [ "${#m_fraction}" -lt 4 ]; do m_fraction=${m_fraction}0; done
	to_int "$m_whole"
	m_value=$N
	to_int "$m_fraction"
	M=$((m_value * 10000 + N))
}

# fmt_units UNITS: units of 1/10,000 as a DECIMAL(14,4) string (non-negative).
fmt_units() {
	printf '%d.%04d' $(($1 / 10000)) $(($1 % 10000))
}

# cost BILLED_SECONDS: the cost in units of 1/10,000 (C) and in minor units (C_MINOR), as lib/pricing computes it,
# of the rate in rate_cost and rate_fee (units), with minor_scale = 10^(4 − minor digits), cost_denominator = 60 × it:
# round half up of (60 × fee + cost per minute × billed) / (60 × 10^(4 − minor digits)), exact in integers.
cost() {
	c_numerator=$((60 * rate_fee + rate_cost * $1))
	C_MINOR=$((c_numerator / cost_denominator))
	if [ $((2 * (c_numerator % cost_denominator))) -ge "$cost_denominator" ]; then C_MINOR=$((C_MINOR + 1)); fi
	C=$((C_MINOR * minor_scale))
}
