//! The lessons, rendered at build time from `lessons/` (see `crates/lesson-build`).

pub use protocol::KnobSpec;

use crate::i18n::Lang;

/// One lesson.
pub struct Lesson {
    /// Folder name and URL id, e.g. `08-async-await`.
    pub id: &'static str,
    /// Its number in the course.
    pub number: u32,
    /// Prose per language; English first.
    pub texts: &'static [LessonText],
    /// Its snippets.
    pub snippets: &'static [Snippet],
}

/// A lesson's prose in one language.
pub struct LessonText {
    /// `en` or `zh`.
    pub lang: &'static str,
    /// The title.
    pub title: &'static str,
    /// The first paragraph, as text.
    pub summary: &'static str,
    /// Prose and card places.
    pub segments: &'static [Segment],
}

/// A piece of a lesson page.
pub enum Segment {
    /// Prose, as HTML.
    Html(&'static str),
    /// A snippet card.
    Snippet {
        /// Snippet id.
        id: &'static str,
        /// Card title in this language, if the prose gives one.
        title: Option<&'static str>,
    },
    /// Two snippets run side by side on the same knobs, as (lesson id, snippet id).
    Compare {
        a: (&'static str, &'static str),
        b: (&'static str, &'static str),
        /// Title in this language, if the prose gives one.
        title: Option<&'static str>,
        /// The two sides' titles in this language, if the prose gives them.
        sides: Option<(&'static str, &'static str)>,
    },
}

/// A runnable snippet.
pub struct Snippet {
    /// File stem and URL id.
    pub id: &'static str,
    /// Default card title (the file's `//!` line).
    pub title: &'static str,
    /// True for a blocking `pub fn run`.
    pub blocking: bool,
    /// Runs on the page's own thread (`// tutor: page-thread`): the card asks first.
    pub page_thread: bool,
    /// The replay also moves a turn of the executor at a time (`// tutor: turns`).
    pub turn_steps: bool,
    /// The card runs the snippet under each scheduler (`// tutor: schedulers`).
    pub schedulers: bool,
    /// The knob whose every value the card can run on the virtual clock and plot
    /// (`// tutor: sweep <knob>`).
    pub sweep: Option<&'static str>,
    /// The source file as shown and copied (without its `// ANCHOR:` lines).
    pub source: &'static str,
    /// The source, highlighted.
    pub source_html: &'static str,
    /// Only the regions the file marks as shown, highlighted; the rest is behind "Show all".
    pub focus_html: Option<&'static str>,
    /// Its knobs.
    pub knobs: &'static [Knob],
}

/// A knob with its labels.
pub struct Knob {
    /// Name, range, default.
    pub spec: KnobSpec,
    /// Unit shown after the value.
    pub unit: &'static str,
    /// English label.
    pub en: &'static str,
    /// Chinese label.
    pub zh: &'static str,
}

impl Knob {
    /// The label in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// The snippet `id` of lesson `lesson`.
pub fn snippet(lesson: &str, id: &str) -> Option<&'static Snippet> {
    self::lesson(lesson)?.snippet(id)
}

/// A snippet's card title in `lang`: the one its lesson's prose gives, else its `//!` line.
pub fn card_title(lesson: &str, id: &str, lang: Lang) -> Option<&'static str> {
    let l = self::lesson(lesson)?;
    let given = l.text(lang).segments.iter().find_map(|s| match s {
        Segment::Snippet { id: s_id, title } if *s_id == id => *title,
        _ => None,
    });
    given.or_else(|| l.snippet(id).map(|s| s.title))
}

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

impl Lesson {
    /// The prose in `lang`, or English when there is none in that language.
    pub fn text(&self, lang: Lang) -> &'static LessonText {
        self.texts
            .iter()
            .find(|t| t.lang == lang.code())
            .unwrap_or(&self.texts[0])
    }

    /// The snippet with this id.
    pub fn snippet(&self, id: &str) -> Option<&'static Snippet> {
        self.snippets.iter().find(|s| s.id == id)
    }

    /// How many snippets it has.
    pub fn snippet_count(&self) -> usize {
        self.snippets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where Chinese text uses ASCII punctuation beside a Chinese character: straight quotes
    /// on either side, or `:` `,` `;` `?` `!` `(` right after one.
    fn ascii_punctuation_in_chinese(text: &str) -> Vec<String> {
        let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let chars: Vec<char> = text.chars().collect();
        let mut found = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let bad = match c {
                '"' => before.is_some_and(|&b| cjk(b)) || after.is_some_and(|&a| cjk(a)),
                ':' | ',' | ';' | '?' | '!' | '(' => i > 0 && cjk(chars[i - 1]),
                _ => false,
            };
            if bad {
                let from = i.saturating_sub(8);
                found.push(chars[from..(i + 8).min(chars.len())].iter().collect());
            }
        }
        found
    }

    /// Prose HTML as text, without code (`<code>`, `<pre>`), which keeps ASCII punctuation.
    fn prose_text(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            out.push_str(&rest[..start]);
            let tag = &rest[start..];
            let skip_to = ["<code", "<pre"]
                .iter()
                .find(|t| tag.starts_with(**t))
                .map(|t| format!("</{}>", &t[1..]));
            rest = match skip_to.and_then(|end| tag.find(&end).map(|i| i + end.len())) {
                Some(end) => &tag[end..],
                None => tag.find('>').map_or("", |i| &tag[i + 1..]),
            };
        }
        out.push_str(rest);
        out.replace("&quot;", "\"")
    }

    #[test]
    fn the_punctuation_check_finds_what_it_should() {
        assert_eq!(ascii_punctuation_in_chinese("从\"慢网\"上下载").len(), 2);
        assert_eq!(ascii_punctuation_in_chinese("源代码: crawl").len(), 1);
        assert!(ascii_punctuation_in_chinese("从“慢网”上下载：a: b, \"c\"").is_empty());
        assert_eq!(
            prose_text("<p>a <code>\"x\"</code> b</p><pre>c\"</pre>"),
            "a  b"
        );
    }

    #[test]
    fn chinese_pages_use_chinese_punctuation_and_titles() {
        for lesson in LESSONS {
            let Some(zh) = lesson.texts.iter().find(|t| t.lang == "zh") else {
                continue;
            };
            let mut texts = vec![zh.title.to_owned(), zh.summary.to_owned()];
            for segment in zh.segments {
                match segment {
                    Segment::Html(html) => texts.push(prose_text(html)),
                    Segment::Snippet { title, .. } => texts.extend(title.map(str::to_owned)),
                    Segment::Compare { a, b, title, sides } => {
                        texts.extend(title.map(str::to_owned));
                        // Every side of a comparison has a Chinese name: its own card's, or one
                        // the comparison gives.
                        let side = |(l, id): (&str, &str)| card_title(l, id, Lang::Zh);
                        let (ta, tb) = sides
                            .unwrap_or_else(|| (side(*a).unwrap_or(""), side(*b).unwrap_or("")));
                        for (t, (l, id)) in [(ta, a), (tb, b)] {
                            let english = self::snippet(l, id).map(|s| s.title);
                            assert!(
                                Some(t) != english && t.chars().any(|c| c > '\u{2e80}'),
                                "{}: the comparison's side {l}/{id} is named {t:?} in Chinese",
                                lesson.id
                            );
                            texts.push(t.to_owned());
                        }
                    }
                }
            }
            for text in texts {
                let found = ascii_punctuation_in_chinese(&text);
                assert!(found.is_empty(), "{}: {found:?}", lesson.id);
            }
        }
    }

    #[test]
    fn titles_carry_no_markdown() {
        for lesson in LESSONS {
            for text in lesson.texts {
                for s in lesson.snippets {
                    let title = card_title(lesson.id, s.id, Lang::from_code(text.lang).unwrap());
                    assert!(
                        !s.title.contains('`'),
                        "{}/{}: {}",
                        lesson.id,
                        s.id,
                        s.title
                    );
                    assert!(!title.unwrap_or("").contains('`'), "{title:?}");
                }
            }
        }
    }
}
