/**
 * The fail2ban filter and action files Rampart ships. They do not depend on the policy (the jails do), so they
 * are constants, rendered verbatim and covered by the golden files, by `fail2ban-client -t` and by
 * `fail2ban-regex` over sample-asterisk.log (lib/rules/real-tools.integration.test.ts).
 */
import { BAN_SET_PARAMS } from "../names";

/**
 * rampart-asterisk.conf. Where Asterisk writes the peer address, relative to text the caller controls, and the
 * grammar that tells the two apart (Asterisk 22's format strings read from its module binaries; older forms from
 * fail2ban's stock filter and test log):
 *
 *   chan_sip   Registration from '<From header>' failed for '<addr>[:port]' - <reason>
 *              caller text only before: the last "' failed for '" wins (addresses and reasons hold no quote).
 *   PJSIP      Request '<method>' from '<From>' failed for '<addr>:port' (callid: <Call-ID>) - <reason>[ after N tries in T ms]
 *              method is a SIP token (no space); PJSIP prints the From as ["<display>" ]<<uri>>, the display a
 *              quoted string whose quotes inside are backslash-escaped, the URI without spaces or '>' (pjsip
 *              escapes what it prints). So the text up to the address parses one way only, whatever the Call-ID
 *              holds. A From in any other shape falls back to: the separator occurs exactly once.
 *   PJSIP      <session>: Call (<TRANSPORT>:<addr>:port) to extension '<exten>' rejected because extension not found in context '<ctx>'.
 *              (Asterisk 22; older: Call from '<endpoint>' (...)). Before the address only the session or
 *              endpoint name, which the administrator configures: the first occurrence wins.
 *   chan_sip   Call from '<user>' (<addr>:port) to extension '<exten>' rejected ...: user and extension are both
 *              decoded caller text, so the separator ") to extension '" must occur exactly once.
 *   IAX2       Host <addr> failed to authenticate as <user> / failed MD5 authentication for '<user>' (...)
 *              No registration for peer '<peer>' (from <addr>)
 *   manager    <addr> tried to authenticate with nonexistent user '<user>' / failed to authenticate as / failed to pass IP ACL as
 *   FreePBX    Ext. s:<prio> @ <context>: "Rejecting unknown SIP connection from <addr>[:port]"  (dialplan Log(), recvip)
 *   security   SecurityEvent="<event>",EventTV,Severity,Service,EventVersion,AccountID="<caller>",SessionID="<caller>",
 *              LocalAddress="IPV4/UDP/<a>/<p>",RemoteAddress="IPV4/UDP/<addr>/<p>"[,<event fields>] (res_security_log
 *              writes the required fields in this order, then the optional ones). The address is the RemoteAddress
 *              of the pair that only event fields follow (Module, ACLName, SessionTV, Challenge, ReceivedChallenge,
 *              ReceivedHash, Response, ExpectedResponse), each value in the shape Asterisk writes it: no unescaped
 *              quote (PJSIP's digest fields, which pjsip reads as quoted strings; server values), no quote at all
 *              (chan_sip's quoted digest fields) or no comma (its unquoted ones). Two independent reasons make it
 *              unique: a pair forged in AccountID or SessionID is followed by Asterisk's own ',LocalAddress="',
 *              which no event-field value can span, so it never fits; and the greedy prefix takes the last pair,
 *              while none can be forged after Asterisk's, since a pair needs '",' after a port digit, which those
 *              values cannot hold. AMI's ChallengeResponseFailed breaks the second reason (its Response is the
 *              client's free Key text), so it is read forward instead: AccountID is then the session's user name
 *              (a configured manager user or empty, no quote), SessionID a pointer, Challenge digits.
 */
export const ASTERISK_FILTER = `# Fail2Ban filter for Asterisk authentication failures. Written by Rampart: do not edit on the node.
#
# Recognises chan_sip, PJSIP, IAX2, manager (AMI), FreePBX's "Rejecting unknown SIP connection" and security-log
# failures, IPv4 and IPv6: every message fail2ban's stock asterisk filter recognises whose address Asterisk writes.
# ChallengeSent and SuccessfulAuth are not failures. The address is taken only from the place Asterisk writes the
# peer address, never from text the caller controls (From header, display name, user or account id, Call-ID,
# dialled extension, digest fields), and <ADDR> matches addresses only, so nothing is resolved through DNS.
# Each line is read by the grammar Asterisk writes it in:
#  - caller text only before the address (chan_sip Registration, IAX2 No registration): anchored at the end,
#    the last candidate wins, which is the one Asterisk wrote after that text;
#  - caller text only after it (IAX2 Host, manager, hacking attempt, FreePBX): the address follows a fixed prefix;
#  - PJSIP Request: the method is a token and PJSIP prints the From as ["display" ]<uri> (quotes inside the
#    display escaped, no space or '>' in the URI), so the address is fixed before the Call-ID starts;
#  - PJSIP Call: only the administrator's session or endpoint name precedes the address: the first one wins;
#  - security events (fields in res_security_log's fixed order): the address is the RemoteAddress of the last
#    LocalAddress/RemoteAddress pair followed only by the event's own fields (Module, ACLName, SessionTV,
#    Challenge, ReceivedChallenge, ReceivedHash, Response, ExpectedResponse) in the shapes Asterisk writes them;
#    a pair forged in AccountID or SessionID is followed by Asterisk's own LocalAddress, and none can be forged
#    in the digest fields. AMI ChallengeResponseFailed (free Key text in Response) is read forward from the
#    session's user name (a configured user, or empty).
# Residual classes, refused (not counted) because no grammar tells which address Asterisk wrote:
#  1. chan_sip "Call from" whose user name or dialled extension repeats ") to extension '" (both are decoded
#     caller text on either side of the address);
#  2. PJSIP "Request" whose From is not in PJSIP's printed shape (no <uri>) and that repeats "' failed for '";
#  3. AMI ChallengeResponseFailed whose AccountID holds a quote (possible only if a configured manager user name
#     does) and that repeats ",RemoteAddress=".
# Deliberately not recognised: "Failed to authenticate device <sip:user@host>" and "Sending fake auth
# rejection" lines, whose only address is the host part of a URI the caller supplies.
# Outside any filter's reach: if Asterisk writes a caller's line break verbatim (say a %0A it decodes), the rest
# is a line of its own; a dialplan Log() message that embeds caller text is the dialplan's text, not Asterisk's.
# The log prefix is matched strictly (level, pid, call id) and each message is tied to the source file that
# writes it (file.c:line function), so caller text containing ": " cannot shift where the message starts.

[INCLUDES]

before = common.conf

[Definition]

_daemon = asterisk

__pid_re = (?:\\s?\\[\\d+\\])

log_prefix = (?:NOTICE|SECURITY|WARNING)%(__pid_re)s?(?:\\[C-[\\da-f]+\\])?:?

prefregex = ^%(__prefix_line)s%(log_prefix)s <F-CONTENT>.+</F-CONTENT>$

# After the source file: ":line function:" (file log), ":line in function:" (syslog) or ":" (older logs).
_at = :\\d*(?: (?:in )?\\w+:)?

_pjsip_reason = (?:No matching endpoint found|Not match Endpoint(?: Contact)? ACL|(?:Failed|Error) to authenticate)(?: after \\d+ tries in \\d+(?:\\.\\d+)? ms)?

_pjsip_from = (?:"(?:[^"\\\\]|\\\\.)*" )?<[^\\s>]*>

_extension_not_found = to extension '.*' rejected because extension not found in context '[^']*'\\.

_sec_event = SecurityEvent="(?:FailedACL|InvalidAccountID|ChallengeResponseFailed|InvalidPassword)",EventTV="[^"]*",Severity="[^"]*",Service=

_sec_pair = LocalAddress="IPV[46]/[A-Z]+/[\\da-fA-F.:]+/\\d+",RemoteAddress="IPV[46]/[A-Z]+/<ADDR>/\\d+"

_sec_tail = (?:,(?:Module|ACLName|SessionTV|Challenge|ReceivedChallenge|ReceivedHash|Response|ExpectedResponse)="(?:(?:[^"\\\\]|\\\\.)*|[^"]*|[^,]*)")*

_ami_chal_event = SecurityEvent="ChallengeResponseFailed",EventTV="[^"]*",Severity="[^"]*",Service="AMI",EventVersion="\\d+"

_ami_chal_tail = ,Challenge="\\d*",Response=".*",ExpectedResponse="[\\da-f]*"(?:,(?:Module|SessionTV)="[^"]*")*

failregex = ^chan_sip\\.c%(_at)s Registration from '.*' failed for '<ADDR>(?::\\d+)?' - (?:Wrong password|No matching peer found|Username/auth name mismatch|Device does not match ACL|Not a local domain|Peer is not supposed to register|ACL error \\(permit/deny\\))$
            ^res_pjsip/pjsip_distributor\\.c%(_at)s Request (?:'\\S+' )?from '%(_pjsip_from)s' failed for '<ADDR>(?::\\d+)?' \\(callid: .*\\) - %(_pjsip_reason)s$
            ^res_pjsip/pjsip_distributor\\.c%(_at)s (?!(?:.*?' failed for '){2})Request (?:'\\S+' )?from '.*' failed for '<ADDR>(?::\\d+)?' \\(callid: .*\\) - %(_pjsip_reason)s$
            ^res_pjsip_session\\.c%(_at)s  ?(?:.*?: Call|Call from '.*?') \\([A-Z]+:<ADDR>:\\d+\\) %(_extension_not_found)s$
            ^chan_sip\\.c%(_at)s (?!(?:.*?\\) to extension '){2})Call from '.*' \\(<ADDR>:\\d+\\) %(_extension_not_found)s$
            ^chan_iax2\\.c%(_at)s Host <ADDR> failed (?:to authenticate as|MD5 authentication for)\\b
            ^chan_iax2\\.c%(_at)s No registration for peer '.*' \\(from <ADDR>\\)$
            ^manager\\.c%(_at)s <ADDR> (?:tried to authenticate with nonexistent user|failed to authenticate as|failed to pass IP ACL as)\\b
            ^chan_sip\\.c%(_at)s hacking attempt detected '<ADDR>'$
            ^Ext\\. s:(?:\\d+ (?:in )?@ [^\\s:]+:)? "Rejecting unknown SIP connection from <ADDR>(?::\\d+)?"$
            ^res_security_log\\.c%(_at)s (?!%(_ami_chal_event)s)%(_sec_event)s"[^"]*",EventVersion="\\d+",.*,%(_sec_pair)s%(_sec_tail)s$
            ^res_security_log\\.c%(_at)s %(_ami_chal_event)s,AccountID="[^"]*",SessionID="[^"]*",%(_sec_pair)s%(_ami_chal_tail)s$
            ^res_security_log\\.c%(_at)s (?!(?:.*?,RemoteAddress="){2})%(_ami_chal_event)s,AccountID=".*",SessionID="[^"]*",%(_sec_pair)s%(_ami_chal_tail)s$

ignoreregex =

datepattern = {^LN-BEG}

journalmatch = _SYSTEMD_UNIT=asterisk.service

[lt_journal]

# Asterisk can log its own time stamp into the systemd journal (as fail2ban's stock filter allows).
__extra_timestamp = (?:\\[[^\\]]+\\]\\s+)?
__prefix_line = %(known/__prefix_line)s%(__extra_timestamp)s
`;

/**
 * rampart-web.conf: failed logins to the PBX's own web interfaces, from FreePBX's security log
 * (DEFAULT_LOG_PATHS.freepbxSecurity, /var/log/asterisk/freepbx_security.log). FreePBX's freepbx_log_security()
 * writes it through its Monolog driver "freepbx_security" (FreePBX 14 and later), and both the administration
 * GUI and UCP log a failed login as
 *
 *   [2026-12-02 19:04:11] [freepbx_security.NOTICE]: Authentication failure for <username> from <REMOTE_ADDR> [] []
 *
 * (FreePBX 14 dated lines "2026-Dec-02"). The username is caller text and comes before the address, so the line is
 * anchored at its end and a greedy ".*" makes the last " from " win: the one FreePBX wrote. Monolog replaces line
 * breaks in the message with spaces, so a username cannot start a line of its own. Older FreePBX wrote the same
 * text without the "[freepbx_security.NOTICE]:" tag and without removing line breaks; those lines are not
 * recognised, since there a username could forge a whole line. "Possible proxy detected ... set to <ip>" lines
 * name an address from a forwarded header, which the client chooses: never counted.
 * Sample lines: lib/rules/fail2ban/sample-freepbx-security.log.
 */
export const WEB_FILTER = `# Fail2Ban filter for failed logins to FreePBX's administration GUI and UCP (freepbx_security.log). Written by
# Rampart: do not edit on the node.
# Line format (FreePBX 14+, Monolog driver freepbx_security):
#   [2026-12-02 19:04:11] [freepbx_security.NOTICE]: Authentication failure for admin from 192.0.2.1 [] []
# The username is caller text before the address: the line is anchored at its end, so the address is the one
# FreePBX wrote last (REMOTE_ADDR), never one inside the username. Proxy notices (forwarded headers) are ignored.
# fail2ban cuts the date out of its brackets, hence the "[] " the line starts with.

[Definition]

failregex = ^\\[\\] \\[freepbx_security\\.NOTICE\\]: Authentication failure for .* from <ADDR> \\[\\] \\[\\]$

ignoreregex =

datepattern = {^LN-BEG}%%Y-%%m-%%d %%H:%%M:%%S
              {^LN-BEG}%%Y-%%b-%%d %%H:%%M:%%S
`;

/**
 * The web server jail's filter: fail2ban's stock apache-auth (filter.d/apache-auth.conf, shipped by Debian's
 * fail2ban package), which reads Apache's error log (DEFAULT_LOG_PATHS.webServerError) — HTTP authentication
 * failures of the PBX's web server. Its address is the "[client <addr>:<port>]" Apache writes before any text the
 * client controls. Sample lines: lib/rules/fail2ban/sample-apache-error.log.
 */
export const STOCK_APACHE_AUTH_FILTER = "apache-auth";

export const BAN_ACTION_CONF = `# Fail2Ban action: bans go into ipset sets that Rampart's iptables chains match (one rule per set, never one rule
# per ban). Written by Rampart: do not edit on the node.
# The sets are created by Rampart's ipset.restore before any jail starts; actionstart creates them only if they
# are missing, with the same parameters (ipset -exist). A jail passes setbase; the family picks the set.

[Definition]

actionstart = ipset -exist create <ipmset> hash:ip family <ipsetfamily> hashsize ${BAN_SET_PARAMS.hashsize} maxelem ${BAN_SET_PARAMS.maxelem} timeout ${BAN_SET_PARAMS.timeout}

actionflush = ipset flush <ipmset>

actionstop = <actionflush>

actioncheck =

actionban = ipset -exist add <ipmset> <ip> timeout 0

actionunban = ipset -exist del <ipmset> <ip>

[Init]

setbase = rampart-f2b
ipmset = <setbase>4
ipsetfamily = inet

[Init?family=inet6]

ipmset = <setbase>6
ipsetfamily = inet6
`;
