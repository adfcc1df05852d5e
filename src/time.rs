//! Signing time: the `X-Amz-Date` format and the clock the signer reads.
//!
//! ```
//! use sigv4_kit::AmzDate;
//!
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! assert_eq!(t.to_string(), "20150830T123600Z");
//! assert_eq!(t.date_stamp(), "20150830");
//! # Ok::<(), sigv4_kit::ParseError>(())
//! ```

use core::fmt;
use core::str::FromStr;
use std::time::SystemTime;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use crate::error::ParseError;

/// The first second an [`AmzDate`] can hold, `00000101T000000Z`, in Unix time.
const MIN_UNIX: i64 = -62_167_219_200;
/// The last, `99991231T235959Z`.
const MAX_UNIX: i64 = 253_402_300_799;

/// A UTC instant with one-second precision, in the SigV4 `YYYYMMDD'T'HHMMSS'Z'` format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AmzDate {
    /// The formatted form; always 16 ASCII bytes.
    text: [u8; 16],
    /// The same instant, for the calendar fields of the HTTP form.
    at: OffsetDateTime,
}

impl AmzDate {
    /// The instant `unix` seconds after the Unix epoch.
    ///
    /// # Errors
    ///
    /// [`ParseError`] when the year falls outside 0000..=9999.
    ///
    /// ```
    /// assert_eq!(sigv4_kit::AmzDate::from_unix(1440938160)?.to_string(), "20150830T123600Z");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn from_unix(unix: i64) -> Result<Self, ParseError> {
        let dt = OffsetDateTime::from_unix_timestamp(unix).map_err(|_| ParseError::new("time", "out of range"))?;
        Self::from_datetime(dt)
    }

    /// The given [`SystemTime`], truncated to the second.
    ///
    /// # Errors
    ///
    /// [`ParseError`] when the year falls outside 0000..=9999.
    ///
    /// ```
    /// let now = sigv4_kit::AmzDate::from_system_time(std::time::SystemTime::now())?;
    /// assert_eq!(now.to_string().len(), 16);
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn from_system_time(t: SystemTime) -> Result<Self, ParseError> {
        Self::from_unix(Self::unix_of(t)?)
    }

    /// The Unix time of `t` in seconds (truncated toward the earlier second, as a clock reading
    /// would), when it is within the years 0000 to 9999 that an `AmzDate` can hold: what a
    /// verifier compares request times with, without formatting a date.
    pub(crate) fn unix_of(t: SystemTime) -> Result<i64, ParseError> {
        let out_of_range = || ParseError::new("time", "out of range");
        let unix = match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).map_err(|_| out_of_range())?,
            Err(e) => {
                let d = e.duration();
                let secs = i64::try_from(d.as_secs()).map_err(|_| out_of_range())?;
                -secs - i64::from(d.subsec_nanos() > 0)
            }
        };
        match (MIN_UNIX..=MAX_UNIX).contains(&unix) {
            true => Ok(unix),
            false => Err(ParseError::new("time", "year outside 0000..=9999")),
        }
    }

    fn from_datetime(dt: OffsetDateTime) -> Result<Self, ParseError> {
        let year = dt.year();
        let year = u32::try_from(year)
            .ok()
            .filter(|y| *y <= 9999)
            .ok_or_else(|| ParseError::new("time", "year outside 0000..=9999"))?;
        let mut text = *b"00000000T000000Z";
        let fields: [(usize, u32, usize); 6] = [
            (0, year, 4),
            (4, u32::from(u8::from(dt.month())), 2),
            (6, u32::from(dt.day()), 2),
            (9, u32::from(dt.hour()), 2),
            (11, u32::from(dt.minute()), 2),
            (13, u32::from(dt.second()), 2),
        ];
        for (start, mut value, width) in fields {
            for i in (start..start + width).rev() {
                if let Some(slot) = text.get_mut(i) {
                    *slot = b'0' + (value % 10) as u8;
                }
                value /= 10;
            }
        }
        Ok(Self { text, at: dt })
    }

    /// The full `YYYYMMDDTHHMMSSZ` form.
    ///
    /// ```
    /// let t: sigv4_kit::AmzDate = "20130524T000000Z".parse()?;
    /// assert_eq!(t.as_str(), "20130524T000000Z");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        crate::slices::ascii_text(&self.text)
    }

    /// The `YYYYMMDD` date, as used in the credential scope.
    ///
    /// ```
    /// let t: sigv4_kit::AmzDate = "20130524T000000Z".parse()?;
    /// assert_eq!(t.date_stamp(), "20130524");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn date_stamp(&self) -> &str {
        crate::slices::ascii_text(self.date_bytes())
    }

    /// The bytes of [`AmzDate::as_str`], for a hash, without checking them as text again.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// The bytes of [`AmzDate::date_stamp`].
    pub(crate) fn date_bytes(&self) -> &[u8] {
        crate::slices::prefix(&self.text, 8)
    }

    /// Seconds since the Unix epoch.
    ///
    /// ```
    /// let t: sigv4_kit::AmzDate = "19700101T000001Z".parse()?;
    /// assert_eq!(t.unix_timestamp(), 1);
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn unix_timestamp(&self) -> i64 {
        self.at.unix_timestamp()
    }
}

/// Month abbreviations of HTTP dates.
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/// Weekday abbreviations of HTTP dates, Monday first.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl AmzDate {
    /// Parses a `Date` header as real clients send it: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`) or the RFC 2822 form botocore writes
    /// (`Sun, 17 May 2026 06:40:00 -0000`, any `+hhmm`/`-hhmm` offset). The weekday, when
    /// present, must match the date. Anything else is an error, never a guess.
    ///
    /// # Errors
    ///
    /// [`ParseError`] saying which part is wrong.
    ///
    /// ```
    /// use sigv4_kit::AmzDate;
    /// assert_eq!(AmzDate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT")?.to_string(), "19941106T084937Z");
    /// assert_eq!(AmzDate::parse_http_date("Sun, 17 May 2026 06:40:00 -0000")?.to_string(), "20260517T064000Z");
    /// assert!(AmzDate::parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT").is_err());
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn parse_http_date(s: &str) -> Result<Self, ParseError> {
        let err = |reason| ParseError::new("http date", reason);
        let mut parts = s.split_ascii_whitespace();
        let mut first = parts.next().ok_or_else(|| err("empty date"))?;
        let weekday = match first.strip_suffix(',') {
            Some(w) => {
                let idx = WEEKDAYS.iter().position(|d| *d == w).ok_or_else(|| err("unknown weekday"))?;
                first = parts.next().ok_or_else(|| err("missing day"))?;
                Some(idx)
            }
            None => None,
        };
        let day: u8 = (first.len() <= 2).then(|| first.parse().ok()).flatten().ok_or_else(|| err("invalid day"))?;
        let month_name = parts.next().ok_or_else(|| err("missing month"))?;
        let month = MONTHS.iter().position(|m| *m == month_name).ok_or_else(|| err("unknown month"))?;
        let month = Month::try_from(u8::try_from(month + 1).map_err(|_| err("unknown month"))?)
            .map_err(|_| err("unknown month"))?;
        let year = parts.next().ok_or_else(|| err("missing year"))?;
        let year: i32 =
            (year.len() == 4).then(|| digits(year.as_bytes())).flatten().ok_or_else(|| err("invalid year"))? as i32;
        let clock = parts.next().ok_or_else(|| err("missing time of day"))?.as_bytes();
        if clock.len() != 8 || clock.get(2) != Some(&b':') || clock.get(5) != Some(&b':') {
            return Err(err("invalid time of day"));
        }
        let field =
            |r: core::ops::Range<usize>| clock.get(r).and_then(digits).ok_or_else(|| err("invalid time of day"));
        let (h, m, sec) = (field(0..2)?, field(3..5)?, field(6..8)?);
        let zone = parts.next().ok_or_else(|| err("missing zone"))?;
        if parts.next().is_some() {
            return Err(err("trailing text after the zone"));
        }
        let offset_secs: i64 = match zone {
            "GMT" | "UT" | "UTC" => 0,
            z => {
                let b = z.as_bytes();
                let sign = match b.first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(err("unknown zone")),
                };
                let hhmm =
                    b.get(1..).filter(|r| r.len() == 4).and_then(digits).ok_or_else(|| err("invalid zone offset"))?;
                let (oh, om) = (hhmm / 100, hhmm % 100);
                if om >= 60 {
                    return Err(err("invalid zone offset"));
                }
                sign * i64::from(oh * 3600 + om * 60)
            }
        };
        let date = Date::from_calendar_date(year, month, day).map_err(|_| err("day out of range"))?;
        if weekday.is_some_and(|w| usize::from(date.weekday().number_days_from_monday()) != w) {
            return Err(err("weekday does not match the date"));
        }
        let time = Time::from_hms(h as u8, m as u8, sec as u8).map_err(|_| err("time of day out of range"))?;
        let local = PrimitiveDateTime::new(date, time).assume_utc().unix_timestamp();
        Self::from_unix(local - offset_secs)
    }
}

impl AmzDate {
    /// The HTTP date (IMF-fixdate, RFC 9110) of this instant, as in a `Date` header.
    ///
    /// ```
    /// let t: sigv4_kit::AmzDate = "19941106T084937Z".parse()?;
    /// assert_eq!(t.to_http_date(), "Sun, 06 Nov 1994 08:49:37 GMT");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn to_http_date(&self) -> String {
        let at = self.at;
        let weekday = match at.weekday() {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        };
        let month = match at.month() {
            Month::January => "Jan",
            Month::February => "Feb",
            Month::March => "Mar",
            Month::April => "Apr",
            Month::May => "May",
            Month::June => "Jun",
            Month::July => "Jul",
            Month::August => "Aug",
            Month::September => "Sep",
            Month::October => "Oct",
            Month::November => "Nov",
            Month::December => "Dec",
        };
        format!(
            "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
            at.day(),
            at.year(),
            at.hour(),
            at.minute(),
            at.second()
        )
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses `n` ASCII digits.
fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

impl FromStr for AmzDate {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let b = s.as_bytes();
        let shape = ParseError::new("amz date", "expected YYYYMMDDTHHMMSSZ");
        if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
            return Err(shape);
        }
        let field = |r: core::ops::Range<usize>| b.get(r).and_then(digits).ok_or_else(|| shape.clone());
        let (year, month, day) = (field(0..4)?, field(4..6)?, field(6..8)?);
        let (hour, minute, second) = (field(9..11)?, field(11..13)?, field(13..15)?);
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(|| ParseError::new("amz date", "month out of range"))?;
        let date = Date::from_calendar_date(year as i32, month, day as u8)
            .map_err(|_| ParseError::new("amz date", "day out of range"))?;
        let time = Time::from_hms(hour as u8, minute as u8, second as u8)
            .map_err(|_| ParseError::new("amz date", "time of day out of range"))?;
        Self::from_datetime(PrimitiveDateTime::new(date, time).assume_utc())
    }
}

/// A source of the current time. The signer reads it once per request; tests inject a fixed one.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
///
/// ```
/// use sigv4_kit::{Clock, SystemClock};
/// assert!(SystemClock.now() > std::time::SystemTime::UNIX_EPOCH);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant.
///
/// ```
/// use sigv4_kit::{AmzDate, Clock, FixedClock};
/// let t: AmzDate = "20150830T123600Z".parse()?;
/// let clock = FixedClock::new(t);
/// assert_eq!(AmzDate::from_system_time(clock.now())?, t);
/// # Ok::<(), sigv4_kit::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(SystemTime);

impl FixedClock {
    /// A clock that always reads `at`.
    pub fn new(at: AmzDate) -> Self {
        let secs = at.unix_timestamp();
        let t = if secs >= 0 {
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs.unsigned_abs())
        } else {
            SystemTime::UNIX_EPOCH - std::time::Duration::from_secs(secs.unsigned_abs())
        };
        Self(t)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_of_holds_exactly_the_range_of_amz_dates() {
        use std::time::Duration;
        let at = |unix: i64| match unix >= 0 {
            true => SystemTime::UNIX_EPOCH + Duration::from_secs(unix.unsigned_abs()),
            false => SystemTime::UNIX_EPOCH - Duration::from_secs(unix.unsigned_abs()),
        };
        for (unix, text) in [(MIN_UNIX, "00000101T000000Z"), (MAX_UNIX, "99991231T235959Z"), (0, "19700101T000000Z")] {
            assert_eq!(AmzDate::unix_of(at(unix)).ok(), Some(unix));
            assert_eq!(AmzDate::from_system_time(at(unix)).map(|d| d.as_str().to_owned()).ok().as_deref(), Some(text));
        }
        for unix in [MIN_UNIX - 1, MAX_UNIX + 1] {
            assert!(AmzDate::unix_of(at(unix)).is_err(), "{unix}");
            assert!(AmzDate::from_unix(unix).is_err(), "{unix}");
        }
        // Before the epoch, a reading between two seconds belongs to the earlier one.
        let between = SystemTime::UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(AmzDate::unix_of(between).ok(), Some(-2));
    }

    #[test]
    fn parse_rejects_bad_input() {
        for bad in [
            "",
            "20150830T123600",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T246000Z",
            "2015083xT123600Z",
            "20150830X123600Z",
            "+0150830T123600Z",
        ] {
            assert!(bad.parse::<AmzDate>().is_err(), "{bad}");
        }
        assert_eq!("00000101T000000Z".parse::<AmzDate>().map(|d| d.to_string()), Ok("00000101T000000Z".to_string()));
    }

    #[test]
    fn unix_round_trip() {
        let t: AmzDate = "20150830T123600Z".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.unix_timestamp(), 1_440_938_160);
        assert_eq!(AmzDate::from_unix(t.unix_timestamp()), Ok(t));
        assert!(AmzDate::from_unix(i64::MAX).is_err());
    }
}
