//! An organisation's look: colours, corner radius, font and logo, from the
//! `[theme]` table of its `org.toml`, served as CSS custom properties at
//! `/o/{org}/theme.css` on top of the portal's stylesheet. Every colour
//! pair a page uses is checked against WCAG 2.2 AA (4.5:1 for text) when
//! the content loads, in the light and the dark scheme: a theme that fails
//! stops the server with the pair and its ratio, rather than shipping
//! unreadable pages.

use serde::Deserialize;

/// The portal's own colours (style/main.css), used where a theme is silent.
const LIGHT: Palette = Palette {
    background: "#ffffff",
    foreground: "#1b1f24",
    accent: "#0b5cad",
    accent_fg: "#ffffff",
    accent_soft: "#e8f1fb",
};
const DARK: Palette = Palette {
    background: "#14171c",
    foreground: "#e9edf2",
    accent: "#7db6f2",
    accent_fg: "#0c1522",
    accent_soft: "#1d2a3a",
};
/// The custom properties of style/main.css a scheme sets, in the order of
/// `Theme::schemes`.
const PROPERTIES: [&str; 5] = ["--bg", "--fg", "--accent", "--accent-fg", "--accent-soft"];
/// WCAG 2.2 AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

struct Palette {
    background: &'static str,
    foreground: &'static str,
    accent: &'static str,
    accent_fg: &'static str,
    accent_soft: &'static str,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Colours as `#rrggbb` or `#rgb`.
    pub accent: Option<String>,
    pub accent_fg: Option<String>,
    pub background: Option<String>,
    pub foreground: Option<String>,
    /// The tinted background of the header and of notes.
    pub accent_soft: Option<String>,
    /// The same for the dark scheme (`prefers-color-scheme: dark`).
    pub dark_accent: Option<String>,
    pub dark_accent_fg: Option<String>,
    pub dark_background: Option<String>,
    pub dark_foreground: Option<String>,
    pub dark_accent_soft: Option<String>,
    /// Corner radius: a CSS length such as `4px` or `0.25rem`.
    pub radius: Option<String>,
    /// A font-family list, e.g. `"Inter", system-ui, sans-serif`.
    pub font: Option<String>,
    /// A logo file in the organisation's folder (`.svg`, `.png`, `.webp`).
    pub logo: Option<String>,
}

/// `#rrggbb` or `#rgb` as 8-bit channels.
pub fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

/// WCAG relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG contrast ratio, 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

fn is_length(text: &str) -> bool {
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
    let unit = &text[number.len()..];
    !number.is_empty()
        && number
            .parse::<f64>()
            .is_ok_and(|n| (0.0..=64.0).contains(&n))
        && ["px", "rem", "em", "%"].contains(&unit)
}

fn is_font_list(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 200
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " ,-\"'".contains(c))
}

impl Theme {
    /// The light and dark colours, each given or the portal's own.
    fn schemes(&self) -> [(&'static str, [&str; 5]); 2] {
        fn pick<'a>(given: &'a Option<String>, default: &'static str) -> &'a str {
            given.as_deref().unwrap_or(default)
        }
        // The order: background, foreground, accent, accent text, tint.
        let light = [
            pick(&self.background, LIGHT.background),
            pick(&self.foreground, LIGHT.foreground),
            pick(&self.accent, LIGHT.accent),
            pick(&self.accent_fg, LIGHT.accent_fg),
            pick(&self.accent_soft, LIGHT.accent_soft),
        ];
        let dark = [
            pick(&self.dark_background, DARK.background),
            pick(&self.dark_foreground, DARK.foreground),
            pick(&self.dark_accent, DARK.accent),
            pick(&self.dark_accent_fg, DARK.accent_fg),
            pick(&self.dark_accent_soft, DARK.accent_soft),
        ];
        [("light", light), ("dark", dark)]
    }

    /// Checks every value and every colour pair the pages use.
    pub fn validate(&self) -> Result<(), String> {
        for (scheme, [background, foreground, accent, accent_fg, accent_soft]) in self.schemes() {
            let colour = |text: &str| {
                parse_colour(text).ok_or(format!("{text:?} is not a colour such as #0b5cad"))
            };
            let (bg, fg, ac, ac_fg) = (
                colour(background)?,
                colour(foreground)?,
                colour(accent)?,
                colour(accent_fg)?,
            );
            let soft = colour(accent_soft)?;
            for (what, a, b) in [
                ("text on the background", fg, bg),
                ("links (accent) on the background", ac, bg),
                ("button text on the accent", ac_fg, ac),
                ("text on the tint (header, notes)", fg, soft),
                ("links (accent) on the tint", ac, soft),
            ] {
                let ratio = contrast(a, b);
                if ratio < MIN_CONTRAST {
                    return Err(format!(
                        "{scheme} scheme: {what} has contrast {ratio:.2}:1, below the {MIN_CONTRAST}:1 WCAG AA needs"
                    ));
                }
            }
        }
        if let Some(radius) = self.radius.as_deref().filter(|r| !is_length(r)) {
            return Err(format!(
                "radius {radius:?} is not a length such as 6px or 0.25rem"
            ));
        }
        if let Some(font) = self.font.as_deref().filter(|f| !is_font_list(f)) {
            return Err(format!("font {font:?} is not a font-family list"));
        }
        if let Some(logo) = &self.logo {
            if logo_type(logo).is_none() || logo.contains(['/', '\\']) {
                return Err(format!("logo {logo:?} must be an .svg, .png or .webp file in the organisation's folder"));
            }
        }
        Ok(())
    }

    /// The stylesheet: custom properties over the portal's defaults. Only
    /// validated values reach it.
    pub fn css(&self) -> String {
        let mut css = String::from(":root {\n");
        let [(_, light), (_, dark)] = self.schemes();
        for (name, value) in PROPERTIES.iter().zip(light) {
            css.push_str(&format!("  {name}: {value};\n"));
        }
        if let Some(radius) = &self.radius {
            css.push_str(&format!("  --radius: {radius};\n"));
        }
        if let Some(font) = &self.font {
            css.push_str(&format!("  font-family: {font};\n"));
        }
        css.push_str("}\n@media (prefers-color-scheme: dark) {\n  :root {\n");
        for (name, value) in PROPERTIES.iter().zip(dark) {
            css.push_str(&format!("    {name}: {value};\n"));
        }
        css.push_str("  }\n}\n");
        css
    }
}

/// The content type of a logo file, by its extension.
pub fn logo_type(file: &str) -> Option<&'static str> {
    match file.rsplit_once('.')?.1.to_ascii_lowercase().as_str() {
        "svg" => Some("image/svg+xml"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((contrast([255, 255, 255], [255, 255, 255]) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1; #777777 just fails.
        assert!(contrast(parse_colour("#767676").unwrap(), [255, 255, 255]) >= 4.5);
        assert!(contrast(parse_colour("#777").unwrap(), [255, 255, 255]) < 4.5);
        assert_eq!(parse_colour("#0b5cad"), Some([11, 92, 173]));
        assert_eq!(parse_colour("0b5cad"), None);
        assert_eq!(parse_colour("#0b5ca"), None);
        assert_eq!(parse_colour("#ggg"), None);
    }

    #[test]
    fn the_portal_defaults_pass_and_weak_or_odd_themes_are_refused() {
        assert_eq!(Theme::default().validate(), Ok(()));
        let good = Theme {
            accent: Some("#7a1f5c".into()),
            radius: Some("2px".into()),
            font: Some("\"Inter\", system-ui, sans-serif".into()),
            logo: Some("logo.svg".into()),
            ..Theme::default()
        };
        assert_eq!(good.validate(), Ok(()));
        let css = good.css();
        assert!(
            css.contains("--accent: #7a1f5c;")
                && css.contains("--radius: 2px;")
                && css.contains("prefers-color-scheme: dark")
        );

        let tinted = Theme {
            accent: Some("#7a1f5c".into()),
            accent_soft: Some("#f6e9f1".into()),
            ..Theme::default()
        };
        assert_eq!(tinted.validate(), Ok(()));
        assert!(tinted.css().contains("--accent-soft: #f6e9f1;"));
        let murky = Theme {
            accent_soft: Some("#5a6b7c".into()),
            ..Theme::default()
        };
        assert!(murky.validate().unwrap_err().contains("text on the tint"));
        let pale = Theme {
            accent: Some("#9ec9ff".into()),
            ..Theme::default()
        };
        let error = pale.validate().unwrap_err();
        assert!(
            error.contains("light scheme: links (accent) on the background")
                && error.contains(":1"),
            "{error}"
        );
        let dark = Theme {
            dark_accent_fg: Some("#ffffff".into()),
            ..Theme::default()
        };
        assert!(dark
            .validate()
            .unwrap_err()
            .starts_with("dark scheme: button text"));
        for bad in [
            Theme {
                accent: Some("red".into()),
                ..Theme::default()
            },
            Theme {
                radius: Some("1px; color: red".into()),
                ..Theme::default()
            },
            Theme {
                font: Some("x; } body { display: none".into()),
                ..Theme::default()
            },
            Theme {
                logo: Some("../secret.png".into()),
                ..Theme::default()
            },
            Theme {
                logo: Some("logo.gif".into()),
                ..Theme::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
