/**
 * The Asterisk configuration the lab writes: each PBX node's (PJSIP on UDP and TCP 5060, two tenants with two
 * digest-authenticated extensions each, anonymous calls refused, the messages and security logs the node's
 * fail2ban reads, CSV CDRs, AMI on loopback only, a trunk to the carrier), the carrier's (answers any number and
 * keeps the call up) and the phones' (an Asterisk acting as the SIP user agent of legitimate phones: outbound
 * registrations and calls with real digest authentication). Pure: file name → text, unit-tested.
 */

import { CARRIER_ADDRESS, PHONES_ADDRESS } from "./topology";

/** Where the node's agent installs the call guard's dialplan (lib/guard/render.ts NODE_GUARD_DIR). */
export const NODE_GUARD_DIALPLAN = "/var/lib/rampart/guard/extensions_rampart.conf";

export const AMI_PORT = 5038;
/** The outbound prefix of the lab dialplan: 0 + the number the carrier receives (e.g. 0 0044 20 7946 0000). */
export const OUTBOUND_PREFIX = "0";

export interface LabExtension {
  tenant: string;
  extension: string;
  password: string;
}

export interface NodeAsteriskInput {
  name: string;
  address: string;
  extensions: LabExtension[];
  amiSecret: string;
  carrierAddress: string;
}

/** Names only from the lab's own fixed alphabet reach the configuration: a guard against a slip in a test. */
function word(text: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(text)) throw new Error(`not a lab configuration word: ${JSON.stringify(text)}`);
  return text;
}

function address(text: string): string {
  if (!/^198\.1[89]\.\d{1,3}\.\d{1,3}$/.test(text)) throw new Error(`not a lab address: ${text}`);
  return text;
}

/** Modules loaded explicitly (autoload=no): the SIP stack, security log, CSV CDRs, dialplan and what the calls use. */
const MODULES = [
  "res_timing_timerfd",
  "res_pjproject",
  "res_sorcery_config",
  "res_sorcery_memory",
  "res_sorcery_memory_cache",
  "res_sorcery_astdb",
  "res_pjsip",
  "res_pjsip_session",
  "res_pjsip_pubsub",
  "res_pjsip_authenticator_digest",
  "res_pjsip_outbound_authenticator_digest",
  "res_pjsip_endpoint_identifier_user",
  "res_pjsip_endpoint_identifier_ip",
  "res_pjsip_registrar",
  "res_pjsip_outbound_registration",
  "res_pjsip_caller_id",
  "res_pjsip_nat",
  "res_pjsip_acl",
  "res_pjsip_sdp_rtp",
  "res_pjsip_rfc3326",
  "res_rtp_asterisk",
  "chan_pjsip",
  "res_security_log",
  "cdr_csv",
  "pbx_config",
  "app_dial",
  "app_stack",
  "app_playback",
  "app_verbose",
  "app_exec",
  "res_speech",
  "res_agi",
  "func_timeout",
  "res_clioriginate",
  "func_callerid",
  "func_channel",
  "func_strings",
  "func_logic",
  "func_cdr",
  "bridge_simple",
  "bridge_native_rtp",
  "codec_ulaw",
  "codec_alaw",
  "format_pcm",
  "format_wav",
];

function common(systemName: string): Record<string, string> {
  return {
    "asterisk.conf": [
      "[directories]",
      "astetcdir => /etc/asterisk",
      "astmoddir => /usr/lib/x86_64-linux-gnu/asterisk/modules",
      "astvarlibdir => /var/lib/asterisk",
      "astdbdir => /var/spool/asterisk",
      "astkeydir => /var/spool/asterisk",
      "astdatadir => /usr/share/asterisk",
      "astagidir => /usr/share/asterisk/agi-bin",
      "astspooldir => /var/spool/asterisk",
      "astrundir => /var/run/asterisk",
      "astlogdir => /var/log/asterisk",
      "astcachedir => /var/spool/asterisk/cache",
      "astsbindir => /usr/sbin",
      "",
      "[options]",
      `systemname = ${word(systemName)}`,
      "verbose = 3",
      "",
    ].join("\n"),
    "modules.conf": ["[modules]", "autoload = no", ...MODULES.map((m) => `load = ${m}.so`), ""].join("\n"),
    // FreePBX's date format; the security channel is res_security_log's (the file fail2ban reads).
    "logger.conf": ["[general]", "dateformat = %F %T", "", "[logfiles]", "messages => notice,warning,error,verbose", "security => security", ""].join("\n"),
    "rtp.conf": ["[general]", "rtpstart = 10000", "rtpend = 10999", ""].join("\n"),
    // cdr_csv reads its [csv] section from cdr.conf. usegmtime: CDR times in UTC, so the collector needs no node
    // time zone.
    "cdr.conf": ["[general]", "enable = yes", "unanswered = yes", "", "[csv]", "usegmtime = yes", "loguniqueid = yes", "loguserfield = yes", "accountlogs = no", ""].join("\n"),
  };
}

function transports(bind: string): string {
  return [
    "[global]",
    "type = global",
    "user_agent = Asterisk PBX",
    "",
    "[transport-udp]",
    "type = transport",
    "protocol = udp",
    `bind = ${address(bind)}:5060`,
    "",
    "[transport-tcp]",
    "type = transport",
    "protocol = tcp",
    `bind = ${address(bind)}:5060`,
    "",
  ].join("\n");
}

/** A PBX node: tenants' phones register and call with digest auth; outbound calls go to the carrier. */
export function renderNodeAsterisk(input: NodeAsteriskInput): Record<string, string> {
  const tenants = [...new Set(input.extensions.map((e) => word(e.tenant)))];
  const pjsip = [transports(input.address)];
  for (const e of input.extensions) {
    const ext = word(e.extension);
    if (!/^[A-Za-z0-9]{6,64}$/.test(e.password)) throw new Error(`lab password of ${ext} is not alphanumeric`);
    pjsip.push(
      [
        `[${ext}]`,
        "type = endpoint",
        `context = tenant-${word(e.tenant)}`,
        "disallow = all",
        "allow = ulaw,alaw",
        `auth = ${ext}-auth`,
        `aors = ${ext}`,
        `accountcode = ${word(e.tenant)}`,
        `callerid = "${ext}" <${ext}>`,
        "direct_media = no",
        "allow_transfer = no",
        "rewrite_contact = yes",
        "",
        `[${ext}-auth]`,
        "type = auth",
        "auth_type = digest",
        `username = ${ext}`,
        `password = ${e.password}`,
        "",
        `[${ext}]`,
        "type = aor",
        "max_contacts = 3",
        "remove_existing = yes",
        "",
      ].join("\n"),
    );
  }
  pjsip.push(
    [
      "[carrier]",
      "type = endpoint",
      "context = from-carrier",
      "disallow = all",
      "allow = ulaw,alaw",
      "aors = carrier",
      "direct_media = no",
      "",
      "[carrier]",
      "type = aor",
      `contact = sip:${address(input.carrierAddress)}:5060`,
      "",
      "[carrier]",
      "type = identify",
      "endpoint = carrier",
      `match = ${address(input.carrierAddress)}`,
      "",
    ].join("\n"),
  );

  // Internal calls between a tenant's own extensions; outbound: prefix 0, the rest goes to the carrier. Transfers
  // of trunk calls are not offered (no T/t option on Dial) and media stays in Asterisk (direct_media = no).
  // The call guard Rampart pushes (lib/guard/render.ts); until a push installs it the Gosub fails and the outbound
  // call is hung up: no outbound call without the guard.
  const extensions = ["[general]", "static = yes", "writeprotect = yes", "", "[globals]", "", `#tryinclude "${NODE_GUARD_DIALPLAN}"`, ""];
  for (const tenant of tenants) {
    extensions.push(`[tenant-${tenant}]`);
    for (const e of input.extensions.filter((x) => x.tenant === tenant)) {
      extensions.push(`exten => ${word(e.extension)},1,Dial(PJSIP/${e.extension},30)`, " same => n,Hangup()");
    }
    extensions.push(
      `exten => _${OUTBOUND_PREFIX}X.,1,Verbose(2,outbound \${CALLERID(num)} to \${EXTEN:1})`,
      " same => n,Gosub(rampart-guard,s,1(${EXTEN:1}))",
      " same => n,Dial(PJSIP/${EXTEN:1}@carrier,60)",
      " same => n,Hangup()",
      "",
    );
  }
  extensions.push("[from-carrier]", "exten => _X.,1,Hangup(21)", "");

  return {
    ...common(input.name),
    "pjsip.conf": pjsip.join("\n"),
    "extensions.conf": extensions.join("\n"),
    // AMI on the node's loopback only: the attacker's scans and the panel's SSH see nothing on 5038.
    "manager.conf": [
      "[general]",
      "enabled = yes",
      "bindaddr = 127.0.0.1",
      `port = ${AMI_PORT}`,
      "",
      "[rampart]",
      `secret = ${word(input.amiSecret)}`,
      "deny = 0.0.0.0/0.0.0.0",
      "permit = 127.0.0.1/255.255.255.255",
      "read = system,call,reporting",
      "write = system,call,reporting",
      "",
    ].join("\n"),
  };
}

/** The carrier: every node is a trunk peer by address; any number is answered and kept up in silence. */
export function renderCarrierAsterisk(nodeAddresses: readonly string[], bind = CARRIER_ADDRESS): Record<string, string> {
  const pjsip = [
    transports(bind),
    ["[pbx]", "type = endpoint", "context = carrier", "disallow = all", "allow = ulaw,alaw", "direct_media = no", ""].join("\n"),
    ["[pbx]", "type = identify", "endpoint = pbx", ...nodeAddresses.map((a) => `match = ${address(a)}`), ""].join("\n"),
  ];
  return {
    ...common("carrier"),
    "pjsip.conf": pjsip.join("\n"),
    "extensions.conf": ["[general]", "static = yes", "", "[carrier]", "exten => _X.,1,Answer()", " same => n,Wait(7200)", " same => n,Hangup()", "exten => _+X.,1,Goto(carrier,${EXTEN:1},1)", ""].join("\n"),
    "manager.conf": ["[general]", "enabled = no", ""].join("\n"),
  };
}

/** The phones' user agent endpoint for one extension of one node (see `renderPhoneAsterisk`). */
export function phoneEndpoint(node: string, extension: string): string {
  return `${word(node)}-${word(extension)}`;
}

/**
 * The phones: one Asterisk acting as the SIP user agent of every lab extension on every node. Each has an endpoint
 * with outbound digest auth (for calls: `channel originate PJSIP/<number>@<node>-<ext> ...`); registrations are
 * written on demand into pjsip_registrations.conf (`phoneRegistration`), so no phone registers until a test says so.
 */
export function renderPhoneAsterisk(nodes: ReadonlyArray<{ name: string; address: string; extensions: LabExtension[] }>, bind = PHONES_ADDRESS): Record<string, string> {
  const pjsip = [transports(bind)];
  for (const node of nodes) {
    for (const e of node.extensions) {
      const id = phoneEndpoint(node.name, e.extension);
      pjsip.push(
        [
          `[${id}]`,
          "type = endpoint",
          "context = phone",
          "disallow = all",
          "allow = ulaw",
          `outbound_auth = ${id}-auth`,
          `aors = ${id}`,
          `from_user = ${word(e.extension)}`,
          `from_domain = ${address(node.address)}`,
          "direct_media = no",
          "",
          `[${id}-auth]`,
          "type = auth",
          "auth_type = digest",
          `username = ${e.extension}`,
          `password = ${e.password}`,
          "",
          `[${id}]`,
          "type = aor",
          `contact = sip:${e.extension}@${address(node.address)}:5060`,
          "",
        ].join("\n"),
      );
    }
  }
  pjsip.push("#tryinclude pjsip_registrations.conf", "");
  return {
    ...common("phones"),
    "pjsip.conf": pjsip.join("\n"),
    "pjsip_registrations.conf": "",
    "extensions.conf": ["[general]", "static = yes", "", "[phone]", "exten => _X.,1,Answer()", " same => n,Wait(3600)", ""].join("\n"),
    "manager.conf": ["[general]", "enabled = no", ""].join("\n"),
  };
}

/** A registration of the phones' endpoint for NODE/EXTENSION (appended to pjsip_registrations.conf). */
export function phoneRegistration(node: { name: string; address: string }, extension: string): string {
  const id = phoneEndpoint(node.name, extension);
  return [
    `[${id}-reg]`,
    "type = registration",
    `outbound_auth = ${id}-auth`,
    `server_uri = sip:${address(node.address)}:5060`,
    `client_uri = sip:${word(extension)}@${address(node.address)}:5060`,
    `contact_user = ${extension}`,
    "expiration = 120",
    "retry_interval = 5",
    "max_retries = 2",
    "transport = transport-udp",
    "",
  ].join("\n");
}
