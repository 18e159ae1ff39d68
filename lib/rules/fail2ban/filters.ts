/**
 * The fail2ban filter and action files Rampart ships. They do not depend on the policy (the jails do), so they
 * are constants, rendered verbatim and covered by the golden files, by `fail2ban-client -t` and by
 * `fail2ban-regex` over sample-asterisk.log (lib/rules/real-tools.integration.test.ts).
 */
import { BAN_SET_PARAMS } from "../names";

/**
 * rampart-asterisk.conf. Where Asterisk writes the peer address, relative to text the caller controls:
 *
 *   chan_sip   Registration from '<From header>' failed for '<addr>[:port]' - <reason>
 *   PJSIP      Request '<method>' from '<From URI>' failed for '<addr>:port' (callid: <Call-ID>) - <reason>[ after N tries in T ms]
 *   both       Call from '<user|endpoint>' ([TRANSPORT:]<addr>:port) to extension '<exten>' rejected because extension not found in context '<ctx>'.
 *   IAX2       Host <addr> failed to authenticate as '<user>' / failed MD5 authentication for '<user>' (...)
 *              No registration for peer '<peer>' (from <addr>)
 *   manager    <addr> tried to authenticate with nonexistent user '<user>' / <addr> failed to authenticate as '<user>'
 *   security   SecurityEvent="<event>",...,AccountID="<id>",SessionID="<Call-ID>",LocalAddress="...",RemoteAddress="IPV4/UDP/<addr>/<port>"[,Response="<caller text>"...]
 */
export const ASTERISK_FILTER = `# Fail2Ban filter for Asterisk authentication failures. Written by Rampart: do not edit on the node.
#
# Recognises chan_sip, PJSIP, IAX2, manager (AMI) and security-log failures, IPv4 and IPv6. ChallengeSent and
# SuccessfulAuth are not failures. The address is taken only from the place Asterisk writes the peer address,
# never from text the caller controls (From header, display name, user or account id, Call-ID, dialled
# extension, digest response), and <ADDR> matches addresses only, so nothing is ever resolved through DNS:
#  - caller text only before the address (chan_sip Registration, IAX2 No registration): the line is anchored at
#    its end and a greedy ".*" makes the last candidate win, which is the one Asterisk wrote after that text;
#  - caller text only after it (IAX2 Host, manager, hacking attempt): the address follows a fixed prefix;
#  - caller text on both sides (PJSIP Request, Call from, security events): either the From that PJSIP prints
#    ('"display" <uri>') is matched by its grammar, or the separator next to the address must occur exactly
#    once; a line repeating it is ambiguous and not counted, rather than risk banning an address the caller wrote.
# Deliberately not recognised: "Failed to authenticate device <sip:user@host>" and "Sending fake auth
# rejection" lines, whose only address is the host part of a URI the caller supplies.
# The log prefix is matched strictly (level, pid, call id, file.c:line, function) so caller text containing
# ": " cannot shift where the message starts.

[INCLUDES]

before = common.conf

[Definition]

_daemon = asterisk

__pid_re = (?:\\s?\\[\\d+\\])

log_prefix = (?:NOTICE|SECURITY|WARNING)%(__pid_re)s?(?:\\[C-[\\da-f]+\\])?:? [\\w./-]+\\.c:\\d*(?: (?:in )?\\w+:)?

prefregex = ^%(__prefix_line)s%(log_prefix)s <F-CONTENT>.+</F-CONTENT>$

_pjsip_reason = (?:No matching endpoint found|Not match Endpoint(?: Contact)? ACL|(?:Failed|Error) to authenticate)(?: after \\d+ tries in \\d+(?:\\.\\d+)? ms)?

failregex = ^Registration from '.*' failed for '<ADDR>(?::\\d+)?' - (?:Wrong password|No matching peer found|Username/auth name mismatch|Device does not match ACL|Not a local domain|Peer is not supposed to register|ACL error \\(permit/deny\\))$
            ^Request (?:'\\S+' )?from '(?:"(?:[^"\\\\]|\\\\.)*" )?<[^>]*>' failed for '<ADDR>(?::\\d+)?' \\(callid: .*\\) - %(_pjsip_reason)s$
            ^(?!(?:.*?' failed for '){2})Request (?:'\\S+' )?from '.*' failed for '<ADDR>(?::\\d+)?' \\(callid: .*\\) - %(_pjsip_reason)s$
            ^(?!(?:.*?\\) to extension '){2})Call from '.*' \\((?:[A-Z]+:)?<ADDR>:\\d+\\) to extension '.*' rejected because extension not found in context '[^']*'\\.$
            ^Host <ADDR> failed (?:to authenticate as|MD5 authentication for)\\b
            ^No registration for peer '.*' \\(from <ADDR>\\)$
            ^<ADDR> (?:tried to authenticate with nonexistent user|failed to authenticate as)\\b
            ^hacking attempt detected '<ADDR>'$
            ^SecurityEvent="(?:FailedACL|InvalidAccountID|ChallengeResponseFailed|InvalidPassword)",(?!(?:.*?,RemoteAddress=){2}).*,RemoteAddress="IPV[46]/[A-Z]+/<ADDR>/\\d+"(?:,.*)?$

ignoreregex =

datepattern = {^LN-BEG}

journalmatch = _SYSTEMD_UNIT=asterisk.service
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
