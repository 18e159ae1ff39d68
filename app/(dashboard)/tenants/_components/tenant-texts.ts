// Explanations shared by the tenant forms and read-only views.

export const AUTO_WHITELIST_HINT =
  "Adds this tenant's IP restrictions to the whitelist and to fail2ban's ignore list when the ruleset is compiled, " +
  "so phones registering from those networks are never rate-limited or banned. Leave it off when a network is shared " +
  "with strangers (a hotel, a mobile carrier's NAT).";
