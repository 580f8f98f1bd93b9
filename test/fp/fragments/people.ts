/**
 * People, places and things as forms receive them: names from many cultures (apostrophes,
 * hyphens, particles, non-Latin scripts), e-mail addresses with plus tags and dots, phone
 * numbers, postal addresses, company names with ampersands, product names, and the composer that
 * turns the sentence pools into a message of a few sentences in one language.
 */
import type { Random } from "../random.js";
import { ENGLISH } from "./prose-en.js";
import { LANGUAGES, WORLD } from "./prose-world.js";

export const FIRST_NAMES: readonly string[] = [
  "Jane",
  "Liam",
  "Olivia",
  "Mohammed",
  "Aisha",
  "Chen",
  "Wei",
  "Yuki",
  "Haruto",
  "Min-jun",
  "Seo-yeon",
  "Priya",
  "Arjun",
  "Fatima",
  "Omar",
  "Sofia",
  "Mateo",
  "Lucía",
  "João",
  "Ana",
  "Giulia",
  "Nicolò",
  "Zoë",
  "Chloé",
  "Hélène",
  "Jürgen",
  "Søren",
  "Åsa",
  "Łukasz",
  "Zofia",
  "Dmitri",
  "Анна",
  "Олександр",
  "Şükrü",
  "Ayşe",
  "Nguyễn",
  "Thảo",
  "Yosef",
  "Noa",
  "Kwame",
  "Amara",
  "Siobhán",
  "Seán",
  "D'Andre",
  "Mary-Kate",
  "Jean-Luc",
  "José María",
  "Björn",
  "Ngozi",
  "李",
  "陽翔",
  "지우",
];

export const LAST_NAMES: readonly string[] = [
  "O'Brien",
  "O'Neil",
  "D'Amico",
  "d'Arcy",
  "McDonald",
  "Smith",
  "Johnson",
  "Müller",
  "Groß-Schmidt",
  "van der Berg",
  "de la Cruz",
  "García Márquez",
  "Dos Santos",
  "Nguyen",
  "Tanaka",
  "Kim",
  "Park",
  "Wang",
  "Zhang",
  "Patel",
  "Sharma",
  "Al-Sayed",
  "Ben-David",
  "Cohen",
  "Kowalski",
  "Wójcik",
  "Ivanov",
  "Шевченко",
  "Дем'яненко",
  "Öztürk",
  "Yılmaz",
  "Rossi",
  "Esposito",
  "Dubois",
  "Lefèvre",
  "Hansen",
  "Lindqvist",
  "Okafor",
  "Mensah",
  "St. John",
  "Fitzgerald-Hughes",
  "Select",
  "Union",
  "Drop",
  "Script",
  "Or",
  "Null",
];

export const DOMAINS: readonly string[] = [
  "example.com",
  "example.org",
  "example.net",
  "mail.example.de",
  "example.co.uk",
  "example.com.br",
  "example.fr",
  "example.jp",
  "example.es",
  "uni-example.edu",
];

export function fullName(rng: Random): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

export function email(rng: Random): string {
  const user = rng.pick([
    "jane.doe",
    "j.smith+newsletter",
    "obrien.m",
    "info",
    "support",
    "max_mustermann",
    "o'neil.k",
    "ana-lucia",
    "chen.wei88",
    "team+billing",
    "first.last",
    "hello",
    "mario.rossi1975",
    "y.tanaka",
    "noreply-test",
    "admin",
    "orders",
    "union.rep",
  ]);
  return `${user}@${rng.pick(DOMAINS)}`;
}

export function phone(rng: Random): string {
  return rng.pick([
    `+1 (${rng.int(201, 989)}) 555-${String(rng.int(100, 199)).padStart(4, "0")}`,
    `+44 20 7946 ${rng.int(1000, 9999)}`,
    `+49 30 ${rng.int(100000, 999999)}`,
    `+33 6 ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)}`,
    `0${rng.int(151, 179)} ${rng.int(1000000, 9999999)}`,
    `+81 90-${rng.int(1000, 9999)}-${rng.int(1000, 9999)}`,
    `(${rng.int(11, 99)}) 9${rng.int(1000, 9999)}-${rng.int(1000, 9999)}`,
    `+91 ${rng.int(70000, 99999)} ${rng.int(10000, 99999)}`,
    `${rng.int(200, 999)}.${rng.int(200, 999)}.${rng.int(1000, 9999)}`,
  ]);
}

export const STREETS: readonly string[] = [
  "221B Baker Street",
  "1600 Amphitheatre Pkwy",
  "Hauptstraße 12a",
  "12, rue de l'Église",
  "C/ Mayor, 12, 3.º B",
  "Rua das Flores, 123 apto 45",
  "Via Roma 10",
  "ul. Długa 5/12",
  "ул. Тверская, д. 7, кв. 15",
  "Atatürk Cad. No:12 D:5",
  "1-2-3 Jinnan, Shibuya-ku",
  "Apt #4, 55 O'Connell St",
  "PO Box 1024",
  "Unit 7 & 8, Union Business Park",
  "1 Select Way",
  "Flat 2/1, 14 Drop Lane",
];

export const CITIES: readonly string[] = [
  "London",
  "New York",
  "Berlin",
  "München",
  "Paris",
  "Lyon",
  "Madrid",
  "Bogotá",
  "São Paulo",
  "Lisboa",
  "Milano",
  "Kraków",
  "Москва",
  "Київ",
  "İstanbul",
  "Dubai",
  "Tel Aviv",
  "Mumbai",
  "北京",
  "東京",
  "서울",
  "Hà Nội",
  "Union City",
  "Select",
  "Sydney",
  "Toronto",
  "Zürich",
];

export const COUNTRIES: readonly string[] = [
  "US",
  "GB",
  "DE",
  "FR",
  "ES",
  "PT",
  "BR",
  "IT",
  "PL",
  "UA",
  "TR",
  "AE",
  "IL",
  "IN",
  "CN",
  "JP",
  "KR",
  "VN",
  "NL",
  "SE",
  "CA",
  "AU",
  "MX",
  "AR",
];

export const COMPANIES: readonly string[] = [
  "Smith & Sons Ltd.",
  "AT&T",
  "Procter & Gamble",
  "Johnson & Johnson",
  "Müller GmbH & Co. KG",
  "O'Reilly Media",
  "Ben & Jerry's",
  "Marks & Spencer",
  "H&M",
  "Union Bank",
  "Select Comfort",
  "Drop Inc.",
  "Script Studio",
  "Alert Logic",
  "Exec Air",
  "Acme Corp.",
  "株式会社サンプル",
  "ООО «Ромашка»",
  "Société Générale",
  "Café 'Le Petit'",
];

export const PRODUCTS: readonly string[] = [
  "Trail Running Shoe 'Apex' (men's, size 44)",
  'Ceramic Mug – "Hello, World"',
  "Wireless Earbuds Pro (2nd gen)",
  "Organic Cotton T-Shirt, crew neck",
  "Espresso Machine EM-200",
  "Standing Desk 160×80 cm",
  "Kids' Raincoat – yellow",
  "Drop-leaf Table (oak)",
  "Union Jack Cushion Cover",
  "Select Fit Jeans 32/34",
  "Smoke Alert Detector SA-300",
  "Script Calligraphy Pen Set",
  "USB-C Cable 2 m (3-pack)",
  "Yoga Mat 6mm & strap",
  "Noise-cancelling Headphones",
  "Cast-iron Skillet 28 cm",
  'Board game: "Cats & Dogs"',
  "Linen Duvet Cover 200×200",
  "Gift Card €50",
  "Phone Case – iPhone 15",
  "Chef's Knife 20 cm",
  "Dell XPS 13 (9340) 16GB/512GB",
  "LEGO® Technic 42115",
  "Nintendo Switch OLED",
  "ノートパソコン用スタンド",
  "Кофемолка ручная",
  "Tênis de corrida",
  "Sac à dos 30 L",
];

/** A price in one of several local formats. */
export function price(rng: Random): string {
  const n = rng.int(1, 2000) + rng.pick([0, 0.49, 0.5, 0.9, 0.99, 0.95]);
  return rng.pick([
    `$${n.toFixed(2)}`,
    `${n.toFixed(2).replace(".", ",")} €`,
    `€${n.toFixed(2)}`,
    `£${n.toFixed(2)}`,
    `R$ ${n.toFixed(2).replace(".", ",")}`,
    `¥${Math.round(n * 150)}`,
    `${Math.round(n * 90)} ₽`,
    `₹${Math.round(n * 83)}`,
  ]);
}

/** A message of `min` to `max` sentences in one language (English more often). */
export function message(rng: Random, min = 1, max = 4, language?: string): string {
  const lang = language ?? (rng.chance(0.35) ? "en" : rng.pick(LANGUAGES));
  const pool = lang === "en" ? ENGLISH : (WORLD[lang] ?? ENGLISH);
  const sentences = rng.sample(pool, rng.int(min, max));
  const joiner = ["zh", "zh-TW", "ja"].includes(lang) ? "" : " ";
  const text = sentences.join(rng.chance(0.2) ? "\n\n" : joiner);
  return rng.chance(0.15) ? `${text}\n\n${rng.pick(SIGN_OFFS)}` : text;
}

export const SIGN_OFFS: readonly string[] = [
  "Thanks,\nJane",
  "Best regards,\nM. O'Brien",
  "Cheers!",
  "Mit freundlichen Grüßen\nJürgen Groß",
  "Cordialement,\nHélène",
  "Saludos",
  "Obrigado!",
  "-- \nSent from my iPhone",
  "よろしくお願いします。",
  "Спасибо!",
  "감사합니다.",
  "谢谢！",
  "Kind regards & have a nice weekend :)",
  "Thx -- K.",
];

export const LANGUAGE_CODES: readonly string[] = ["en", ...LANGUAGES];
