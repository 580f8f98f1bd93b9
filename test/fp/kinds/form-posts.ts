/**
 * HTML form posts (application/x-www-form-urlencoded) with prose in many languages: contact
 * forms, reviews, blog comments, sign-ups with strong passwords, checkout addresses with
 * delivery notes, support tickets, booking requests, forum posts, profile bios, surveys, logins,
 * Rails- and PHP-style nested field names, and OAuth token requests from servers.
 */
import type { FpRequest } from "../corpus-format.js";
import { apiHeaders, browserHeaders } from "../fragments/clients.js";
import {
  CITIES,
  COMPANIES,
  COUNTRIES,
  email,
  fullName,
  message,
  PRODUCTS,
  phone,
  STREETS,
} from "../fragments/people.js";
import { queryString } from "../fragments/search.js";
import { ALNUM, BASE64URL, type Random } from "../random.js";

type Draft = Omit<FpRequest, "id">;
type Pairs = [string, string][];

const PASSWORDS = [
  "correct horse battery staple",
  "Tr0ub4dor&3",
  "x9$Lm#2q!vR",
  "P@ssw0rd!2024",
  "mañana-Sol-42",
  "ilovemycat<3",
  "Qwerty123;",
  '"quoted"pass',
  "it'sMyPassw0rd",
  "Пароль2024!",
  "a1b2c3d4e5",
  "(Summer)2024",
  "hunter2",
  "Zx!9 space inside",
  "#1-Fan-of-AC/DC",
  "Blue42;Sky!",
];

const SUBJECTS = [
  "Question about my order",
  "Partnership inquiry",
  "Refund request",
  "Feedback",
  "Bug report",
  "Wholesale / B2B",
  "Press",
  "Datenschutzanfrage",
  "Réclamation",
  "Consulta",
  "お問い合わせ",
  "Select plan: Pro vs Team?",
  "Drop-off location",
  "Union discount?",
  "Re: Re: Fwd: invoice",
];

function post(
  rng: Random,
  path: string,
  note: string,
  host: string,
  pairs: Pairs,
  api = false,
): Draft {
  const headers = api
    ? apiHeaders(rng, host).filter(([k]) => k !== "authorization")
    : browserHeaders(rng, host, {
        fetch: rng.chance(0.3),
        referer: `https://${host}${path}`,
        origin: true,
      });
  return {
    note,
    method: "POST",
    path,
    headers,
    content_type: rng.chance(0.6)
      ? "application/x-www-form-urlencoded; charset=UTF-8"
      : "application/x-www-form-urlencoded",
    body: queryString(pairs, true),
  };
}

const token = (rng: Random): [string, string] => [
  rng.pick([
    "_token",
    "csrfmiddlewaretoken",
    "authenticity_token",
    "__RequestVerificationToken",
    "_wpnonce",
  ]),
  rng.chars(`${ALNUM}+/=`, rng.int(10, 64)),
];

export function formPost(rng: Random): Draft {
  const host = rng.pick([
    "www.example.com",
    "shop.example.de",
    "blog.example.org",
    "hotel.example.fr",
    "forum.example.net",
  ]);
  switch (rng.int(0, 15)) {
    case 0:
    case 1:
      return post(
        rng,
        rng.pick(["/contact", "/kontakt", "/nous-contacter", "/contact-us/submit"]),
        "contact form",
        host,
        [
          ["name", fullName(rng)],
          ["email", email(rng)],
          ...(rng.chance(0.6) ? ([["phone", phone(rng)]] as Pairs) : []),
          ["subject", rng.pick(SUBJECTS)],
          ["message", message(rng, 1, 6)],
          ["consent", "on"],
          token(rng),
        ],
      );
    case 2:
      return post(rng, `/products/${rng.int(100, 9999)}/reviews`, "product review", host, [
        ["review[rating]", String(rng.int(1, 5))],
        ["review[title]", message(rng, 1, 1).slice(0, 60)],
        ["review[body]", message(rng, 1, 5)],
        ["review[author]", fullName(rng)],
        ["review[email]", email(rng)],
        ["review[recommend]", rng.pick(["yes", "no"])],
        token(rng),
      ]);
    case 3:
      return post(rng, "/wp-comments-post.php", "blog comment (WordPress)", host, [
        ["comment", message(rng, 1, 5)],
        ["author", fullName(rng)],
        ["email", email(rng)],
        [
          "url",
          rng.pick(["", "https://example.org/~jane", "http://www.example.com/blog?p=12&lang=en"]),
        ],
        ["wp-comment-cookies-consent", "yes"],
        ["comment_post_ID", String(rng.int(1, 4000))],
        ["comment_parent", String(rng.pick([0, 0, rng.int(1, 900)]))],
        ["ak_js_1", String(1714000000000 + rng.int(0, 999999))],
      ]);
    case 4: {
      const pw = rng.pick(PASSWORDS);
      return post(
        rng,
        rng.pick(["/register", "/signup", "/users"]),
        "sign-up with a strong password",
        host,
        [
          ["user[first_name]", rng.pick(["Jane", "Łukasz", "Zoë", "D'Andre", "李"])],
          ["user[last_name]", rng.pick(["O'Brien", "Groß", "de la Cruz", "Select"])],
          ["user[email]", email(rng)],
          ["user[password]", pw],
          ["user[password_confirmation]", pw],
          ["user[company]", rng.pick(COMPANIES)],
          ["user[terms]", "1"],
          token(rng),
        ],
      );
    }
    case 5:
      return post(rng, "/checkout/address", "checkout address with delivery notes", host, [
        ["shipping[name]", fullName(rng)],
        ["shipping[company]", rng.pick(["", ...COMPANIES])],
        ["shipping[street]", rng.pick(STREETS)],
        ["shipping[city]", rng.pick(CITIES)],
        ["shipping[zip]", String(rng.int(10000, 99999))],
        ["shipping[country]", rng.pick(COUNTRIES)],
        ["shipping[phone]", phone(rng)],
        [
          "notes",
          rng.pick([
            "Leave at the door; code 1234#",
            "Ring twice (bell is broken) & wait",
            "Bitte beim Nachbarn (Müller) abgeben",
            "Entre 9h et 12h svp",
            "No signature required -- dog in yard!",
            "置き配希望（玄関前）",
            "",
          ]),
        ],
        ["billing_same", "1"],
      ]);
    case 6:
      return post(rng, "/newsletter/subscribe", "newsletter sign-up", host, [
        ["email", email(rng)],
        ["lists[]", "weekly"],
        ...(rng.chance(0.5) ? ([["lists[]", "offers"]] as Pairs) : []),
        ["source", rng.pick(["footer", "popup", "checkout"])],
        ["lang", rng.pick(["en", "de", "fr", "ja"])],
      ]);
    case 7:
      return post(
        rng,
        `/jobs/${rng.int(100, 999)}/apply`,
        "job application with cover letter",
        host,
        [
          ["candidate[name]", fullName(rng)],
          ["candidate[email]", email(rng)],
          ["candidate[phone]", phone(rng)],
          [
            "candidate[linkedin]",
            `https://www.linkedin.com/in/${rng.pick(["jane-obrien", "m-mueller-42", "chen-wei"])}/`,
          ],
          ["candidate[cover_letter]", message(rng, 3, 8)],
          ["candidate[salary]", rng.pick(["60k-70k €", "$120,000+", "negotiable", "> 55.000 €"])],
          ["candidate[start]", "2024-07-01"],
        ],
      );
    case 8:
      return post(rng, "/support/tickets", "support ticket", host, [
        ["ticket[category]", rng.pick(["billing", "technical", "account", "other"])],
        ["ticket[priority]", rng.pick(["low", "normal", "high"])],
        ["ticket[subject]", rng.pick(SUBJECTS)],
        ["ticket[description]", message(rng, 2, 6)],
        ["ticket[order_id]", `#${rng.int(10000, 99999)}`],
        token(rng),
      ]);
    case 9:
      return post(rng, "/booking/request", "hotel booking request", host, [
        ["arrival", "2024-08-14"],
        ["departure", "2024-08-18"],
        ["adults", String(rng.int(1, 4))],
        ["children", String(rng.int(0, 3))],
        ["room", rng.pick(["double", "twin", "suite", "family (2+2)"])],
        ["name", fullName(rng)],
        ["email", email(rng)],
        ["requests", message(rng, 1, 3)],
      ]);
    case 10:
      return post(
        rng,
        rng.pick([
          "/forum/posting.php?mode=reply&f=12&t=4501",
          "/community/threads/create",
          "/t/new",
        ]),
        "forum post",
        host,
        [
          ["subject", rng.pick(SUBJECTS)],
          ["message", message(rng, 2, 8)],
          ["attach_sig", "on"],
          ["post", "Submit"],
          token(rng),
        ],
      );
    case 11:
      return post(rng, "/settings/profile", "profile update", host, [
        ["profile[display_name]", fullName(rng)],
        ["profile[bio]", message(rng, 1, 3)],
        [
          "profile[website]",
          rng.pick([
            "https://example.com",
            "https://github.com/jane-o",
            "http://example.org/?ref=bio&x=1",
          ]),
        ],
        ["profile[location]", rng.pick(CITIES)],
        ["profile[twitter]", rng.pick(["@janeob", "@union_rep", "@drop_tables_not_students"])],
        ["_method", "patch"],
        token(rng),
      ]);
    case 12:
      return post(rng, "/survey/2024-customer", "survey with free-text answers", host, [
        ["q1", String(rng.int(0, 10))],
        ["q2[]", "price"],
        ["q2[]", rng.pick(["quality", "delivery", "support"])],
        ["q3", message(rng, 1, 3)],
        ["q4", rng.pick(["yes", "no", "maybe"])],
        ["q5", message(rng, 1, 2)],
      ]);
    case 13:
      return post(rng, rng.pick(["/login", "/session", "/wp-login.php"]), "login", host, [
        [
          rng.pick(["username", "log", "email"]),
          rng.chance(0.5) ? email(rng) : rng.pick(["jane_o", "m.mueller", "admin2", "o'brien"]),
        ],
        [rng.pick(["password", "pwd"]), rng.pick(PASSWORDS)],
        ["remember", rng.pick(["1", "forever", "on"])],
        token(rng),
      ]);
    case 14:
      return oauthToken(rng);
    default:
      return post(rng, "/cart/update", "cart update form", host, [
        [`updates[${rng.int(1000000, 9999999)}]`, String(rng.int(0, 5))],
        [`updates[${rng.int(1000000, 9999999)}]`, String(rng.int(1, 3))],
        [
          "note",
          rng.pick([
            "Gift wrap please (it's for my mum)",
            "",
            "Please don't include the invoice; it's a gift.",
            rng.pick(PRODUCTS),
          ]),
        ],
        ["discount", rng.pick(["", "SPRING20", "WELCOME-10", "UNION15"])],
        ["checkout", "Check out"],
      ]);
  }
}

function oauthToken(rng: Random): Draft {
  const host = "auth.example.com";
  const grant = rng.int(0, 2);
  const pairs: Pairs =
    grant === 0
      ? [
          ["grant_type", "authorization_code"],
          ["code", rng.chars(`${ALNUM}-_.`, 40)],
          ["redirect_uri", "https://app.example.com/auth/callback"],
          ["client_id", rng.chars(ALNUM, 32)],
          ["code_verifier", rng.chars(BASE64URL, 64)],
        ]
      : grant === 1
        ? [
            ["grant_type", "refresh_token"],
            ["refresh_token", rng.chars(`${ALNUM}-_.`, 120)],
            ["client_id", rng.chars(ALNUM, 32)],
          ]
        : [
            ["grant_type", "client_credentials"],
            [
              "scope",
              rng.pick([
                "read:orders write:orders",
                "https://graph.example.com/.default",
                "api://inventory/.default openid",
              ]),
            ],
          ];
  const draft = post(rng, "/oauth/token", "OAuth token request", host, pairs, true);
  const headers =
    grant === 2
      ? [
          ...draft.headers,
          [
            "authorization",
            `Basic ${Buffer.from(`${rng.chars(ALNUM, 20)}:${rng.chars(`${ALNUM}~._-`, 40)}`).toString("base64")}`,
          ] as const,
        ]
      : draft.headers;
  return { ...draft, headers };
}
