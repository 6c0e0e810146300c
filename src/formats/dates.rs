//! Publication dates as pages and texts write them: machine forms (`2019-01-03T07:00:02.000Z`,
//! `2016-02-01 01:28:49`, `20160729`, RFC 2822) and visible ones (`December 18, 2020`,
//! `18 Dec. 2020`, `April 28, 2019 at 6:01 am`, `2020年12月18日`, Persian and Arabic digits;
//! English, French, German, Spanish, Portuguese and Italian month names, and the Gregorian month
//! names used in Arabic and Persian; Persian solar (Jalali) dates such as `۲۸ آذر ۱۳۹۹` and
//! `1399/09/28` are converted to the Gregorian calendar). Parsed with chrono.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// A date, with the time and UTC offset when the source gave them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub offset: Option<FixedOffset>,
}

impl PageDate {
    /// ISO 8601 with as much as is known: `2020-12-18`, `2019-04-28T06:01:07`,
    /// `2019-01-03T07:00:02+00:00`.
    pub fn to_iso(&self) -> String {
        match (self.time, self.offset) {
            (None, _) => self.date.format("%Y-%m-%d").to_string(),
            (Some(time), None) => NaiveDateTime::new(self.date, time).format("%Y-%m-%dT%H:%M:%S").to_string(),
            (Some(time), Some(offset)) => {
                let local = NaiveDateTime::new(self.date, time);
                match local.and_local_timezone(offset).single() {
                    Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                    None => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
                }
            }
        }
    }

    fn from_datetime(dt: DateTime<FixedOffset>) -> Self {
        Self { date: dt.date_naive(), time: Some(dt.time()), offset: Some(*dt.offset()) }
    }
}

/// Digits of other scripts (Arabic-Indic, Persian, full-width) as ASCII.
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|ch| match ch as u32 {
            0x0660..=0x0669 => char::from(b'0' + (ch as u32 - 0x0660) as u8),
            0x06F0..=0x06F9 => char::from(b'0' + (ch as u32 - 0x06F0) as u8),
            0xFF10..=0xFF19 => char::from(b'0' + (ch as u32 - 0xFF10) as u8),
            _ => ch,
        })
        .collect()
}

/// Parses a date written in a `<meta>`, JSON-LD or `datetime` attribute, or a visible date that
/// is the whole string. `None` when it is not a date (or a year outside 1900..=2200).
pub fn parse_date(raw: &str) -> Option<PageDate> {
    let text = ascii_digits(raw.trim());
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let plausible = |d: &PageDate| (1900..=2200).contains(&chrono::Datelike::year(&d.date));
    parse_machine(text).filter(plausible).or_else(|| find_date(text).map(|(_, date)| date)).filter(plausible)
}

fn parse_machine(text: &str) -> Option<PageDate> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(PageDate::from_datetime(dt));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Some(PageDate::from_datetime(dt));
    }
    // ISO forms with a space, a `+0500` offset, fractions, no seconds.
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z"] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(PageDate::from_datetime(dt));
        }
    }
    let without_z = text.strip_suffix('Z').or_else(|| text.strip_suffix(" UTC")).unwrap_or(text);
    let utc = (without_z.len() != text.len()).then(|| FixedOffset::east_opt(0)).flatten();
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(without_z, format) {
            return Some(PageDate { date: dt.date(), time: Some(dt.time()), offset: utc });
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(PageDate { date, time: None, offset: None });
        }
    }
    None
}

/// Month names (lowercase, without a trailing period) and their numbers.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    // German
    ("januar", 1),
    ("februar", 2),
    ("märz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    // Spanish, Portuguese, Italian
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Gregorian months in Arabic (Egypt, Gulf, Maghreb) and Persian
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("أبريل", 4),
    ("ابريل", 4),
    ("إبريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يوليو", 7),
    ("أغسطس", 8),
    ("اغسطس", 8),
    ("سبتمبر", 9),
    ("أكتوبر", 10),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("ژانویه", 1),
    ("فوریه", 2),
    ("آوریل", 4),
    ("مه", 5),
    ("ژوئن", 6),
    ("ژوئیه", 7),
    ("جولای", 7),
    ("اوت", 8),
    ("آگوست", 8),
    ("سپتامبر", 9),
    ("اکتبر", 10),
    ("نوامبر", 11),
    ("دسامبر", 12),
    ("شباط", 2),
    ("آذار", 3),
    ("نيسان", 4),
    ("أيار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("آب", 8),
    ("أيلول", 9),
];

/// Months of the Persian solar calendar.
const JALALI_MONTHS: &[(&str, u32)] = &[
    ("فروردین", 1),
    ("اردیبهشت", 2),
    ("خرداد", 3),
    ("تیر", 4),
    ("مرداد", 5),
    ("امرداد", 5),
    ("شهریور", 6),
    ("مهر", 7),
    ("آبان", 8),
    ("آذر", 9),
    ("دی", 10),
    ("بهمن", 11),
    ("اسفند", 12),
];

fn jalali_month(word: &str) -> Option<u32> {
    JALALI_MONTHS.iter().find(|(name, _)| *name == word).map(|(_, n)| *n)
}

/// A Persian solar date in the Gregorian calendar (the arithmetic of the 33-year cycle).
pub fn jalali_to_gregorian(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || (month > 6 && day > 30) {
        return None;
    }
    let (jy, jm, jd) = (i64::from(year) + 1595, i64::from(month), i64::from(day));
    let mut days = -355_668
        + 365 * jy
        + (jy / 33) * 8
        + ((jy % 33) + 3) / 4
        + jd
        + if jm < 7 { (jm - 1) * 31 } else { (jm - 7) * 30 + 186 };
    let mut gy = 400 * (days / 146_097);
    days %= 146_097;
    if days > 36_524 {
        days -= 1;
        gy += 100 * (days / 36_524);
        days %= 36_524;
        if days >= 365 {
            days += 1;
        }
    }
    gy += 4 * (days / 1461);
    days %= 1461;
    if days > 365 {
        gy += (days - 1) / 365;
        days = (days - 1) % 365;
    }
    let start = NaiveDate::from_ymd_opt(i32::try_from(gy).ok()?, 1, 1)?;
    start.checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))
}

fn jalali_year(token: Option<&Token>) -> Option<i32> {
    number(token, 4..=4).map(|y| y as i32).filter(|y| (1300..=1500).contains(y))
}

fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(name, _)| *name == word).map(|(_, n)| *n)
}

/// A token of a text: a run of letters, a run of digits, or one other character; with its byte range.
#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((start, ch)) = iter.next() {
        let class = |c: char| {
            if c.is_ascii_digit() {
                1
            } else if c.is_alphabetic() || c == '\u{200c}' {
                2
            } else if c.is_whitespace() {
                3
            } else {
                0
            }
        };
        let kind = class(ch);
        let mut end = start + ch.len_utf8();
        if kind != 0 && !is_han_date_mark(ch) {
            while let Some(&(i, c)) = iter.peek() {
                if class(c) != kind || is_han_date_mark(c) {
                    break;
                }
                end = i + c.len_utf8();
                iter.next();
            }
        }
        if kind != 3 {
            out.push(Token { text: &text[start..end], start, end });
        }
    }
    out
}

fn is_han_date_mark(ch: char) -> bool {
    matches!(ch, '年' | '月' | '日' | '号')
}

fn number(token: Option<&Token>, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    let token = token?;
    (digits.contains(&token.text.len()) && token.text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| token.text.parse().ok())
        .flatten()
}

fn year(token: Option<&Token>) -> Option<i32> {
    number(token, 4..=4).map(|y| y as i32).filter(|y| (1900..=2200).contains(y))
}

/// The first date written in a text (`December 18, 2020`, `18 December 2020`, `2020-12-18`,
/// `2020年12月18日`, with an optional `at 6:01 am` or `12:55` after it), with its byte range.
/// The text must already have ASCII digits (see [`ascii_digits`]) for the range to be exact.
pub fn find_date(text: &str) -> Option<(std::ops::Range<usize>, PageDate)> {
    let tokens = tokens(text);
    let at = |i: usize| tokens.get(i);
    let punct = |i: usize, set: &[&str]| at(i).is_some_and(|t| set.contains(&t.text));
    for i in 0..tokens.len() {
        // Month D, YYYY   (also "Dec. 18 2020")
        if let Some(month) = month_number(tokens[i].text) {
            let mut j = i + 1;
            if punct(j, &["."]) {
                j += 1;
            }
            if let Some(day) = number(at(j), 1..=2) {
                let mut k = j + 1;
                if at(k).is_some_and(|t| matches!(t.text, "st" | "nd" | "rd" | "th")) {
                    k += 1;
                }
                if punct(k, &[","]) {
                    k += 1;
                }
                if let Some(year) = year(at(k))
                    && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
                {
                    return Some(with_time(&tokens, i, k, date));
                }
            }
        }
        // D Month YYYY  (also "18. Dezember 2020", "18 de diciembre de 2020", "22 Dec 2016")
        if let Some(day) = number(at(i), 1..=2) {
            let mut j = i + 1;
            if punct(j, &["."]) {
                j += 1;
            }
            if at(j).is_some_and(|t| t.text == "de") {
                j += 1;
            }
            if let Some(month) = at(j).and_then(|t| month_number(t.text)) {
                let mut k = j + 1;
                if punct(k, &[".", ","]) {
                    k += 1;
                }
                if at(k).is_some_and(|t| t.text == "de") {
                    k += 1;
                }
                if let Some(year) = year(at(k))
                    && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
                {
                    return Some(with_time(&tokens, i, k, date));
                }
            }
        }
        // D Month YYYY in the Persian solar calendar ("۲۸ آذر ۱۳۹۹")
        if let Some(day) = number(at(i), 1..=2)
            && let Some(month) = at(i + 1).and_then(|t| jalali_month(t.text))
            && let Some(year) = jalali_year(at(i + 2))
            && let Some(date) = jalali_to_gregorian(year, month, day)
        {
            return Some(with_time(&tokens, i, i + 2, date));
        }
        // YYYY/MM/DD in the Persian solar calendar ("1399/09/28")
        if let Some(year) = jalali_year(at(i))
            && punct(i + 1, &["/", "-"])
            && let Some(month) = number(at(i + 2), 1..=2)
            && at(i + 3).is_some_and(|t| t.text == tokens[i + 1].text)
            && let Some(day) = number(at(i + 4), 1..=2)
            && let Some(date) = jalali_to_gregorian(year, month, day)
        {
            return Some(with_time(&tokens, i, i + 4, date));
        }
        // DD.MM.YYYY (day first wherever dots separate the parts)
        if let Some(day) = number(at(i), 1..=2)
            && punct(i + 1, &["."])
            && let Some(month) = number(at(i + 2), 1..=2)
            && punct(i + 3, &["."])
            && let Some(year) = year(at(i + 4))
            && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
        {
            return Some(with_time(&tokens, i, i + 4, date));
        }
        // YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日
        if let Some(year) = year(at(i)) {
            let separators: &[&str] = &["-", "/", "."];
            if let Some(sep) = at(i + 1).map(|t| t.text)
                && (separators.contains(&sep) || sep == "年")
                && let Some(month) = number(at(i + 2), 1..=2)
                && at(i + 3).is_some_and(|t| t.text == sep || (sep == "年" && t.text == "月"))
                && let Some(day) = number(at(i + 4), 1..=2)
                && let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
            {
                let last =
                    if sep == "年" && at(i + 5).is_some_and(|t| is_han_date_mark_str(t.text)) { i + 5 } else { i + 4 };
                return Some(with_time(&tokens, i, last, date));
            }
        }
    }
    None
}

fn is_han_date_mark_str(text: &str) -> bool {
    text.chars().next().is_some_and(is_han_date_mark)
}

/// Extends a date ending at token `last` with a following time (`at 6:01 am`, `, 12:55`, `T08:15`).
fn with_time(tokens: &[Token], first: usize, last: usize, date: NaiveDate) -> (std::ops::Range<usize>, PageDate) {
    let at = |i: usize| tokens.get(i);
    let mut end = tokens[last].end;
    let mut j = last + 1;
    while at(j).is_some_and(|t| matches!(t.text, "at" | "," | "-" | "|" | "à" | "um" | "a" | "las" | "às")) {
        j += 1;
    }
    let mut time = None;
    if let Some(hour) = number(at(j), 1..=2)
        && at(j + 1).is_some_and(|t| t.text == ":")
        && let Some(minute) = number(at(j + 2), 2..=2)
    {
        let mut hour = hour;
        end = tokens[j + 2].end;
        let meridiem = at(j + 3).map(|t| t.text.to_ascii_lowercase().replace('.', ""));
        match meridiem.as_deref() {
            Some("am") if hour <= 12 => {
                hour %= 12;
                end = tokens[j + 3].end;
            }
            Some("pm") if hour <= 12 => {
                hour = hour % 12 + 12;
                end = tokens[j + 3].end;
            }
            _ => {}
        }
        time = NaiveTime::from_hms_opt(hour, minute, 0);
        if time.is_none() {
            end = tokens[last].end;
        }
    }
    (tokens[first].start..end, PageDate { date, time, offset: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Option<String> {
        parse_date(text).map(|d| d.to_iso())
    }

    #[test]
    fn machine_forms() {
        assert_eq!(iso("2019-01-03T07:00:02.000Z").as_deref(), Some("2019-01-03T07:00:02+00:00"));
        assert_eq!(iso("2016-12-22T10:43:37-08:00").as_deref(), Some("2016-12-22T10:43:37-08:00"));
        assert_eq!(iso("2019-01-16T06:16:23-0500").as_deref(), Some("2019-01-16T06:16:23-05:00"));
        assert_eq!(iso("2018-12-21 12:55:00").as_deref(), Some("2018-12-21T12:55:00"));
        assert_eq!(iso("20160729").as_deref(), Some("2016-07-29"));
        assert_eq!(iso("2015-04-08").as_deref(), Some("2015-04-08"));
        assert_eq!(iso("Tue, 1 Jul 2003 10:52:37 +0200").as_deref(), Some("2003-07-01T10:52:37+02:00"));
        assert_eq!(iso("yesterday"), None);
        assert_eq!(iso("0001-01-01"), None);
    }

    #[test]
    fn visible_dates() {
        assert_eq!(iso("December 18, 2020").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("Dec. 18, 2020").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("22 Dec 2016").as_deref(), Some("2016-12-22"));
        assert_eq!(iso("April 28, 2019 at 6:01 pm").as_deref(), Some("2019-04-28T18:01:00"));
        assert_eq!(iso("18. Dezember 2020").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("18 de diciembre de 2020").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("2020年12月18日").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("۲۸ دسامبر ۲۰۲۰").as_deref(), Some("2020-12-28"));
        assert_eq!(iso("١٨ ديسمبر ٢٠٢٠").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("February 30, 2020"), None);
        assert_eq!(iso("07.12.2017").as_deref(), Some("2017-12-07"));
        assert_eq!(iso("۲۸ آذر ۱۳۹۹").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("1399/09/28").as_deref(), Some("2020-12-18"));
        assert_eq!(iso("۱ فروردین ۱۴۰۰").as_deref(), Some("2021-03-21"));
        assert_eq!(iso("۳۰ اسفند ۱۳۹۹").as_deref(), Some("2021-03-20"));
        assert_eq!(iso("08.04.2015 12:46").as_deref(), Some("2015-04-08T12:46:00"));
    }

    #[test]
    fn finds_the_range_in_running_text() {
        let text = "By Jo | Updated December 18, 2020 at 6:01 am | 5 min read";
        let (range, date) = find_date(text).unwrap();
        assert_eq!(&text[range], "December 18, 2020 at 6:01 am");
        assert_eq!(date.to_iso(), "2020-12-18T06:01:00");
        assert!(find_date("5 min read, 2,020 words").is_none());
    }
}
