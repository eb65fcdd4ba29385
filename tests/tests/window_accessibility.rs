//! Accessibility in the real window: axe-core (from the npm registry, tests/node) runs inside
//! the app's own webview on every screen (the sign-in screen, each screen of the side bar, an
//! open offer and guest conversation, the reception display) and must find no serious or
//! critical violation; a keyboard walk tabs through each screen and every stop must show a
//! focus ring, and the side bar works from the keyboard alone. A table of axe's counts per
//! screen is printed (and kept as accessibility.md among the artifacts). The reception display
//! cuts instead of fading when the desktop asks for less motion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::fmt::Write as _;

use fantoccini::{key::Key, Client, Locator};
use hotelmate_e2e::{
    click, display_motion, screenshot, sign_in, switch_to, until, workspace_root, AppProfile,
    Driver,
};
use hotelmate_sandbox::Sandbox;
use serde_json::Value;

/// Tab presses per screen in the keyboard walk.
const TAB_STOPS: usize = 40;

/// axe's impacts, worst first.
const IMPACTS: [&str; 4] = ["critical", "serious", "moderate", "minor"];

/// What axe and the keyboard found on one screen.
struct Finding {
    screen: String,
    /// Violations (rules broken) per impact, in [`IMPACTS`]' order, and the elements concerned.
    rules: [usize; 4],
    nodes: [usize; 4],
    /// The serious and critical ones, in words.
    serious: Vec<String>,
    /// Focus stops that showed no focus ring, by what they were.
    no_ring: Vec<String>,
}

/// Loads axe into the page once (a page's scripts live as long as the page).
async fn load_axe(app: &Client) {
    let loaded = app
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap();
    if loaded == Value::Bool(true) {
        return;
    }
    let path = workspace_root().join("tests/node/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; `cargo xtask setup` installs it (npm ci in tests/node)",
            path.display()
        )
    });
    app.execute(&format!("{source}\nreturn true;"), vec![])
        .await
        .unwrap();
}

/// Runs axe on the whole page (WCAG 2.x A and AA, and best practices).
async fn axe(app: &Client, screen: &str) -> Finding {
    load_axe(app).await;
    let result = app
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.length, target: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))))
                .catch(e => done({ error: String(e) }));",
            vec![],
        )
        .await
        .unwrap();
    assert!(result.get("error").is_none(), "axe failed: {result}");
    let mut finding = Finding {
        screen: screen.to_owned(),
        rules: [0; 4],
        nodes: [0; 4],
        serious: Vec::new(),
        no_ring: Vec::new(),
    };
    for violation in result.as_array().unwrap() {
        let impact = violation["impact"].as_str().unwrap_or("minor");
        let at = IMPACTS.iter().position(|i| *i == impact).unwrap_or(3);
        let nodes = usize::try_from(violation["nodes"].as_u64().unwrap_or(0)).unwrap_or(0);
        finding.rules[at] += 1;
        finding.nodes[at] += nodes;
        eprintln!(
            "{screen}: {impact} {} ({nodes}×): {} at {}",
            violation["id"], violation["help"], violation["target"]
        );
        if at < 2 {
            finding.serious.push(format!(
                "{impact} {}: {} at {}",
                violation["id"], violation["help"], violation["target"]
            ));
        }
    }
    finding
}

/// Whether the style sheets give `document.activeElement` a focus ring: a `:focus` or
/// `:focus-visible` rule that matches it and draws an outline, with no matching one after it
/// that takes the outline away. Read from the rules because the test session has no window
/// manager: the window never holds the keyboard focus, so `:focus` itself never matches there.
const HAS_FOCUS_RING: &str = "
    const e = document.activeElement;
    const rules = [];
    const walk = (list) => { for (const r of list) { if (r.cssRules && !r.selectorText) walk(r.cssRules); else rules.push(r); } };
    for (const sheet of document.styleSheets) { try { walk(sheet.cssRules); } catch (_) {} }
    let ring = false;
    for (const rule of rules) {
        if (!rule.selectorText || !rule.selectorText.includes(':focus')) continue;
        if (rule.parentRule && rule.parentRule.media && !matchMedia(rule.parentRule.media.mediaText).matches) continue;
        const matches = rule.selectorText.split(',').some((selector) => {
            if (!/:focus(-visible)?(?![-\\w])/.test(selector)) return false;
            const plain = selector.replace(/(^|[\\s>+~(]):focus(-visible)?/g, '$1*').replace(/:focus(-visible)?/g, '');
            try { return e.matches(plain.trim()); } catch (_) { return false; }
        });
        if (!matches) continue;
        // A shorthand with var() leaves its longhands empty: read the shorthand first.
        const outline = rule.style.getPropertyValue('outline') || rule.style.outlineStyle;
        if (/\\bnone\\b/.test(outline) || rule.style.outlineWidth === '0px') ring = false;
        else if (outline) ring = true;
    }
    return ring;";

/// Tabs through the page from the top and notes every stop the style sheets give no focus
/// ring ([`HAS_FOCUS_RING`]).
async fn keyboard_walk(app: &Client, finding: &mut Finding) {
    app.execute(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    for _ in 0..TAB_STOPS {
        press_tab(app).await;
        let stop = app
            .execute(
                &format!(
                    "const e = document.activeElement;
                     if (!e || e === document.body) return null;
                     const name = e.tagName.toLowerCase() + (e.dataset.testid ? `[${{e.dataset.testid}}]` : '')
                         + (e.getAttribute('aria-label') ? ` “${{e.getAttribute('aria-label')}}”` : (e.textContent.trim() ? ` “${{e.textContent.trim().slice(0, 30)}}”` : ''));
                     const ring = (() => {{ {HAS_FOCUS_RING} }})();
                     return {{ name, ring }};"
                ),
                vec![],
            )
            .await
            .unwrap();
        if stop.is_null() {
            continue;
        }
        let name = stop["name"].as_str().unwrap_or_default().to_owned();
        if seen.contains(&name) {
            // Round the page once: done.
            break;
        }
        if stop["ring"] != Value::Bool(true) {
            finding.no_ring.push(name.clone());
        }
        seen.push(name);
    }
}

/// Tab, typed on the keyboard at whatever has the focus.
async fn press_tab(app: &Client) {
    hotelmate_e2e::press(app, &Key::Tab.to_string()).await;
}

async fn shown(app: &Client, css: &str) -> bool {
    app.find(Locator::Css(css)).await.is_ok()
}

/// The side bar's screens, in its order.
async fn nav_screens(app: &Client) -> Vec<String> {
    app.execute(
        "return [...document.querySelectorAll('.side-nav [data-testid^=nav-]')].map(b => b.dataset.testid);",
        vec![],
    )
    .await
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .filter_map(|v| v.as_str().map(str::to_owned))
    .collect()
}

/// Waits until the page stops changing (the screen's reads answered), then a moment more.
async fn settled(app: &Client) {
    app.execute_async(
        "const done = arguments[arguments.length - 1];
         let last = document.body.innerHTML.length, calm = 0;
         const tick = () => { const now = document.body.innerHTML.length;
             calm = now === last ? calm + 1 : 0; last = now;
             if (calm >= 4) done(); else setTimeout(tick, 150); };
         tick();",
        vec![],
    )
    .await
    .unwrap();
}

fn table(findings: &[Finding]) -> String {
    let mut out = String::from(
        "\n| screen | critical | serious | moderate | minor | focus stops without a ring |\n|---|---|---|---|---|---|\n",
    );
    for f in findings {
        let cell = |i: usize| format!("{} ({} el.)", f.rules[i], f.nodes[i]);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            f.screen,
            cell(0),
            cell(1),
            cell(2),
            cell(3),
            f.no_ring.len()
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn window_every_screen_passes_axe_and_works_from_the_keyboard_with_a_focus_ring() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("accessibility");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    let mut findings = Vec::new();

    until("the sign-in screen shows", || async {
        shown(&app, "[data-testid=sign-in]").await
    })
    .await;
    settled(&app).await;
    let mut finding = axe(&app, "sign-in").await;
    keyboard_walk(&app, &mut finding).await;
    findings.push(finding);

    sign_in(&app, &server, "anna.byrne").await;
    for nav in nav_screens(&app).await {
        click(&app, &format!("[data-testid={nav}]")).await;
        settled(&app).await;
        let screen = nav.trim_start_matches("nav-").to_owned();
        let mut finding = axe(&app, &screen).await;
        keyboard_walk(&app, &mut finding).await;
        findings.push(finding);
        // The screens' inner states: an offer open in the editor, a conversation open.
        if screen == "offers" {
            click(&app, "[data-testid=offer-row] .row-main").await;
            until("the editor shows", || async {
                shown(&app, "[data-testid=field-title]").await
            })
            .await;
            settled(&app).await;
            findings.push(axe(&app, "offers, one open").await);
        }
        if screen == "messages" {
            // The walk above may have scrolled the list past its first row: bring it back.
            app.execute(
                "document.querySelector('[data-testid=conversation]')?.scrollIntoView({ block: 'center' });",
                vec![],
            )
            .await
            .unwrap();
            click(&app, "[data-testid=conversation]").await;
            until("a thread shows", || async {
                shown(&app, ".thread-scroll").await
            })
            .await;
            settled(&app).await;
            findings.push(axe(&app, "messages, a thread open").await);
        }
    }

    // The side bar from the keyboard alone: Tab to Team, Enter, and the Team screen shows.
    click(&app, "[data-testid=nav-offers]").await;
    settled(&app).await;
    let mut reached = false;
    for _ in 0..TAB_STOPS {
        press_tab(&app).await;
        let at = app
            .execute(
                "return document.activeElement.dataset.testid ?? null;",
                vec![],
            )
            .await
            .unwrap();
        if at == "nav-team" {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the side bar's Team");
    hotelmate_e2e::press(&app, &Key::Enter.to_string()).await;
    until("Enter on Team shows the Team screen", || async {
        shown(&app, "section.team").await
    })
    .await;
    screenshot(&app, "84-keyboard-focus-ring").await;

    // The reception display, in its own window.
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the display shows", || async {
        shown(&app, "[data-testid=display]").await
    })
    .await;
    settled(&app).await;
    // Between slides the one coming in fades in over 0.8 s; axe reads its words' contrast as
    // they are at that moment (a run mid-fade found the tag "too faint"). It runs on a still
    // slide with time to spare before the next.
    until(
        "the display's slide is still, with 4 s left on it",
        || async {
            app.execute(
                "const stage = document.querySelector('.rd-stage');
             const fading = document.getAnimations().some(a => a.playState === 'running'
                 && stage && stage.contains(a.effect && a.effect.target));
             const bar = document.getAnimations().find(a => a.effect && a.effect.target
                 && a.effect.target.classList && a.effect.target.classList.contains('rd-progress'));
             const timing = bar && bar.effect.getComputedTiming();
             const left = timing ? timing.duration - timing.localTime : Infinity;
             return stage !== null && stage.querySelectorAll(':scope > .rd-layer').length === 1
                 && !fading && left > 4000;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
        },
    )
    .await;
    findings.push(axe(&app, "reception display").await);

    let printed = table(&findings);
    println!("axe-core and the keyboard, per screen:{printed}");
    std::fs::write(
        hotelmate_e2e::artifacts_dir().join("accessibility.md"),
        &printed,
    )
    .unwrap();
    let serious: Vec<String> = findings
        .iter()
        .flat_map(|f| f.serious.iter().map(move |s| format!("{}: {s}", f.screen)))
        .collect();
    assert!(
        serious.is_empty(),
        "serious or critical violations:\n{}",
        serious.join("\n")
    );
    let no_ring: Vec<String> = findings
        .iter()
        .flat_map(|f| f.no_ring.iter().map(move |s| format!("{}: {s}", f.screen)))
        .collect();
    assert!(
        no_ring.is_empty(),
        "focus stops without a visible ring:\n{}",
        no_ring.join("\n")
    );
    app.close().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_display_cuts_instead_of_fading_when_the_desktop_asks_for_less_motion() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // GTK's "animations off", as a desktop's accessibility settings write it: WebKitGTK answers
    // prefers-reduced-motion from it.
    let config = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(config.path().join("gtk-3.0")).unwrap();
    std::fs::write(
        config.path().join("gtk-3.0/settings.ini"),
        "[Settings]\ngtk-enable-animations=0\n",
    )
    .unwrap();
    let profile = AppProfile::new("reduced-motion")
        .with_env("XDG_CONFIG_HOME", config.path().to_str().unwrap());
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the display shows a slide", || async {
        !display_motion(&app).await["panel"].is_null()
    })
    .await;
    let motion = display_motion(&app).await;
    assert_eq!(motion["reduce"], Value::Bool(true), "{motion}");
    assert!(
        motion["fade"].as_f64().is_some_and(|s| s < 0.01),
        "slides cut instead of fading: {motion}"
    );
    assert_ne!(
        motion["progress"],
        Value::Bool(true),
        "no moving progress bar: {motion}"
    );
    // The rotation goes on (it waits for each fade's end, which still comes), and the slide
    // that left is gone at once.
    let first = motion["slide"].clone();
    until("the next slide comes up, alone on the stage", || async {
        let now = display_motion(&app).await;
        !now["slide"].is_null() && now["slide"] != first && now["layers"] == 1
    })
    .await;
    screenshot(&app, "85-display-reduced-motion").await;
    app.close().await.unwrap();
    server.shutdown().await;
}
