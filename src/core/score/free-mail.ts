// Free-mail (webmail and consumer ISP) domains: an address there says nothing about the lead's company,
// so it never forms an account (docs/model.md#accounts). A built-in, reviewed list rather than an npm
// package: the maintained package (`free-email-domains`) downloads its list in a postinstall script,
// which fails offline and in CI; the others are stale or pull in deprecated dependencies. Pure data.
//
// A domain is free-mail when it is in FREE_MAIL_DOMAINS, or when its first label is one of the
// international webmail brands below and the rest is a country or generic suffix (`yahoo.co.uk`,
// `hotmail.fr`, `gmx.at`, `yandex.com.tr`, `outlook.com.br`).

/** Exact free-mail domains (lower case). */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Google, Microsoft, Apple, Yahoo, AOL
  'gmail.com', 'googlemail.com', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com', 'passport.com',
  'icloud.com', 'me.com', 'mac.com', 'yahoo.com', 'ymail.com', 'rocketmail.com', 'aol.com', 'aim.com',
  // privacy and paid webmail
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me', 'tutanota.com', 'tutanota.de', 'tuta.io', 'tutamail.com',
  'tuta.com', 'fastmail.com', 'fastmail.fm', 'hey.com', 'hushmail.com', 'zohomail.com', 'mailbox.org', 'posteo.de',
  'posteo.net', 'runbox.com', 'startmail.com', 'mailfence.com',
  // mail.com / GMX / United Internet
  'mail.com', 'email.com', 'usa.com', 'post.com', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'gmx.us',
  'web.de', 'freenet.de', 't-online.de', 'arcor.de',
  // Russia, Ukraine, Eastern Europe
  'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'internet.ru', 'rambler.ru',
  'ukr.net', 'i.ua', 'meta.ua', 'seznam.cz', 'centrum.cz', 'email.cz', 'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl',
  'op.pl', 'abv.bg', 'mail.bg', 'inbox.lv', 'inbox.lt',
  // Asia
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com',
  'naver.com', 'hanmail.net', 'daum.net', 'kakao.com', 'rediffmail.com',
  // Western Europe ISPs
  'libero.it', 'virgilio.it', 'alice.it', 'tiscali.it', 'tin.it', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net',
  'sfr.fr', 'neuf.fr', 'btinternet.com', 'sky.com', 'virginmedia.com', 'ntlworld.com', 'talktalk.net', 'telenet.be',
  'skynet.be', 'ziggo.nl', 'kpnmail.nl', 'planet.nl', 'bluewin.ch', 'telia.com', 'online.no', 'terra.es',
  // Americas, Oceania ISPs
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net',
  'earthlink.net', 'optonline.net', 'juno.com', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'telus.net',
  'bigpond.com', 'optusnet.com.au', 'xtra.co.nz', 'terra.com.br', 'uol.com.br', 'bol.com.br', 'ig.com.br',
  // Turkey
  'mynet.com', 'superonline.com', 'ttmail.com',
]);

/** Webmail brands that exist under many country domains: `<brand>.<suffix>` is free-mail. */
export const FREE_MAIL_BRANDS: ReadonlySet<string> = new Set([
  'gmail', 'googlemail', 'yahoo', 'ymail', 'hotmail', 'outlook', 'live', 'windowslive', 'msn', 'aol', 'gmx',
  'yandex', 'protonmail', 'rocketmail', 'rediffmail',
]);

/** `com`, `de`, `co.uk`, `com.tr`, `ne.jp`: a generic or country suffix. */
const SUFFIX = /^(?:[a-z]{2,3}|(?:co|com|ne|or|net|org)\.[a-z]{2})$/;

/** Is this lower-case domain a free-mail domain? (Exact domain; subdomains of a company are not free-mail.) */
export function isFreeMailDomain(domain: string): boolean {
  if (FREE_MAIL_DOMAINS.has(domain)) return true;
  const dot = domain.indexOf('.');
  return dot > 0 && FREE_MAIL_BRANDS.has(domain.slice(0, dot)) && SUFFIX.test(domain.slice(dot + 1));
}
