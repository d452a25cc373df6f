// The built-in table of suggested engagement points for activity types (pure). `leadscore init`
// groups the activity types found in a sample by the first entry whose pattern matches the type
// (normalised: lower case, `_` between words); types that match none are listed, not scored.

export interface ActivityKind {
  /** The engagement rule id written for this kind. */
  id: string;
  label: string;
  pattern: RegExp;
  /** undefined: recognised, but worth no points (e.g. e-mails sent by sales). */
  points?: number;
  maxPoints?: number;
  decay?: false;
  interest?: string;
}

/** First match wins: negative kinds first, so that "trial_cancelled" is not a trial request. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  { id: 'unsubscribe', label: 'Unsubscribed', pattern: /unsub|opt_?out/, points: -20, decay: false },
  { id: 'spam_complaint', label: 'Marked an e-mail as spam', pattern: /spam|complain|abuse/, points: -30, decay: false },
  { id: 'bounce', label: 'E-mail bounced', pattern: /bounce/, points: -10, decay: false },
  { id: 'cancelled', label: 'Cancelled or downgraded', pattern: /cancel|churn|downgrade/, points: -20, decay: false },
  { id: 'email_sent', label: 'E-mail sent to the lead (not an action of the lead)', pattern: /(^|_)(sent|delivered|send|queued)($|_)/ },
  { id: 'demo_request', label: 'Demo, trial or meeting', pattern: /demo|trial|meeting|contact_?sales|book/, points: 25, interest: 'buying' },
  { id: 'buying_intent', label: 'Pricing, billing, upgrade or proposal', pattern: /pric|billing|upgrade|checkout|purchase|plan_limit|proposal|quote/, points: 15, interest: 'buying' },
  { id: 'webinar_registered', label: 'Registered for a webinar or event', pattern: /(webinar|event).*regist|regist.*(webinar|event)/, points: 5, interest: 'events' },
  { id: 'webinar', label: 'Attended a webinar or event', pattern: /webinar|attend/, points: 15, interest: 'events' },
  { id: 'form_submit', label: 'Submitted a form', pattern: /form|submit|sign_?up|regist/, points: 5 },
  { id: 'conversation', label: 'Replied, called or chatted', pattern: /repl|inbound|call|chat|phone|conversation/, points: 10 },
  { id: 'content_download', label: 'Downloaded content', pattern: /download|whitepaper|ebook|content/, points: 5 },
  { id: 'email_click', label: 'Clicked an e-mail link', pattern: /click/, points: 3, maxPoints: 15 },
  { id: 'product_adoption', label: 'Product adoption (invites, integrations, shared work)', pattern: /invite|seat|integrat|connect|share|report|onboard/, points: 5, maxPoints: 25 },
  { id: 'add_to_cart', label: 'Added to cart or wishlist', pattern: /cart|basket|wishlist/, points: 5, maxPoints: 20, interest: 'buying' },
  { id: 'page_view', label: 'Viewed a page', pattern: /page|view|visit|web/, points: 2, maxPoints: 20 },
  { id: 'email_open', label: 'Opened an e-mail', pattern: /open/, points: 1, maxPoints: 10 },
  { id: 'login', label: 'Logged in', pattern: /log_?in|sign_?in|session/, points: 2, maxPoints: 20 },
];

export function typeKey(type: string): string {
  return type.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** The kind of an activity type, or undefined when the table has no suggestion. */
export function activityKind(type: string): ActivityKind | undefined {
  const k = typeKey(type);
  return ACTIVITY_KINDS.find((a) => a.pattern.test(k));
}
