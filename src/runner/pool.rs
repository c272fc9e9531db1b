//! The runner worker pool: the runner compiled once, workers booted with it, a few kept warm.
//!
//! The site serves two runner programs: the first part's (lessons 0 and 1: what a first visit
//! needs), which is the page's own module (the app links it, and its `main` boots a runner when
//! it starts in a worker), and the full one (`runner_bg.wasm`, every lesson). A card's edited
//! snippet adds a third kind: a runner the compile service of `cargo xtask serve` built
//! ([`Bridge::load_edited`]). The page compiles the
//! full one once, when a page that needs it has painted (or a run asks for it), and hands the
//! compiled module to each new worker, so replacing a worker (after Stop or a panic) takes
//! milliseconds. A worker serves one run and is then terminated;
//! [`WARM_WORKERS`](super::WARM_WORKERS) booted ones of the widest program compiled so far wait
//! for the next.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use protocol::{RunError, RunnerProblem};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::latch::Latch;
use super::runs::runner_error;
use super::{Bridge, NetStatus, WARM_WORKERS, js_error_text};

/// The compiled runner module, or why it could not be had.
pub(super) type Module = Result<JsValue, String>;

/// A runner program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// Only the first part's snippets (lessons up to `content::FIRST_PART_LAST`).
    First,
    /// Every snippet.
    Full,
    /// Every snippet, one of them edited: built by the compile service (numbered from 1).
    Edited(u32),
}

/// The full program's wasm, relative to the site.
const FULL_WASM: &str = "runner_bg.wasm";

/// Edited programs kept compiled: a card's latest build, and a few before it for other cards.
const EDITED_KEPT: usize = 4;

/// A runner the compile service built.
struct Edited {
    program: Program,
    /// Its wasm-bindgen script, relative to the site.
    glue: String,
    module: Latch<Module>,
}

impl Program {
    /// The smallest program that has the snippets of lesson `lesson`.
    pub fn for_lesson(lesson: &str) -> Program {
        match crate::content::lesson(lesson) {
            Some(l) if l.number <= crate::content::FIRST_PART_LAST => Program::First,
            _ => Program::Full,
        }
    }
}

/// The runner programs, compiled once each, and the workers waiting for a run.
#[derive(Default)]
pub(super) struct Pool {
    /// Set once the first part's program is compiled (or failed to).
    first: Latch<Module>,
    /// Set once the full program is compiled (or failed to).
    full: Latch<Module>,
    /// Which programs have been asked for: [first, full].
    asked: Cell<[bool; 2]>,
    /// The latest edited programs, oldest first.
    edited: RefCell<Vec<Edited>>,
    warm: RefCell<Vec<Rc<Slot>>>,
}

impl Pool {
    /// The latch of `program`'s module (for an edited one no longer kept, set to why not).
    pub(super) fn module(&self, program: Program) -> Latch<Module> {
        match program {
            Program::First => self.first.clone(),
            Program::Full => self.full.clone(),
            Program::Edited(_) => self
                .edited(program, |e| e.module.clone())
                .unwrap_or_else(|| {
                    let gone = Latch::new();
                    gone.set(Err(
                        "this edited build is no longer kept: run it again".into()
                    ));
                    gone
                }),
        }
    }

    /// `program`'s wasm-bindgen script: the page's own for the first part's program (named by
    /// the `<script data-app-js>` tag that started the page, made absolute), `runner.js` beside
    /// the page for the full one, the compile service's for an edited one.
    pub(super) fn glue(&self, program: Program) -> String {
        match program {
            Program::First => app_glue().unwrap_or_default(),
            Program::Full => "runner.js".into(),
            Program::Edited(_) => self.edited(program, |e| e.glue.clone()).unwrap_or_default(),
        }
    }

    /// `f` of the kept edited program `program`, if it is kept.
    fn edited<T>(&self, program: Program, f: impl FnOnce(&Edited) -> T) -> Option<T> {
        self.edited
            .borrow()
            .iter()
            .find(|e| e.program == program)
            .map(f)
    }

    /// The program warm workers run: the full one once it is compiled (it has every
    /// snippet), else the first part's, else none yet.
    fn widest_ready(&self) -> Option<(Program, JsValue)> {
        [Program::Full, Program::First]
            .into_iter()
            .find_map(|p| match self.module(p).get() {
                Some(Ok(module)) => Some((p, module)),
                _ => None,
            })
    }
}

/// One runner worker and the run it serves.
pub(super) struct Slot {
    pub(super) worker: Worker,
    /// The program it was booted with.
    pub(super) program: Program,
    /// The worker has booted and can take a run.
    pub(super) ready: Cell<bool>,
    /// The id of the run it serves.
    pub(super) run: Cell<Option<u32>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Slot {
    /// The slot's worker is done with: stop it, and unhook its handlers first, so an event it
    /// queued before it stopped (the error that follows a panic) finds no handler of ours.
    pub(super) fn retire(&self) {
        self.worker.set_onmessage(None);
        // The error that follows a panic may still be on its way: it is swallowed, not left
        // to reach the page's window as an uncaught `RuntimeError: unreachable`.
        SWALLOW_ERROR.with(|f| self.worker.set_onerror(Some(f.unchecked_ref())));
        self.worker.terminate();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.retire();
    }
}

thread_local! {
    /// An `onerror` handler that only marks the error handled.
    static SWALLOW_ERROR: JsValue =
        Closure::<dyn FnMut(ErrorEvent)>::new(|e: ErrorEvent| e.prevent_default()).into_js_value();
}

impl Bridge {
    /// Starts compiling `program` unless it is compiled or compiling (the first part's is the
    /// page's own module, compiled already); then warms workers once the network is known (a
    /// worker inherits its page's controller when it starts; [`Bridge::start`] tops up when it
    /// is).
    pub(super) fn compile(&self, program: Program) {
        let mut asked = self.pool.asked.get();
        let i = match program {
            Program::First => 0,
            Program::Full => 1,
            // Compiling since it was loaded.
            Program::Edited(_) => return,
        };
        if std::mem::replace(&mut asked[i], true) {
            return;
        }
        self.pool.asked.set(asked);
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match program {
                Program::First => app_glue()
                    .map(|_| wasm_bindgen::module())
                    .ok_or_else(|| "the page has no <script data-app-js> tag".to_owned()),
                _ => compile_runner(FULL_WASM).await,
            };
            let Some(bridge) = me.upgrade() else { return };
            bridge.pool.module(program).set(result);
            if bridge.net() != super::NetStatus::Pending {
                bridge.top_up();
            }
        });
    }

    /// Starts compiling a runner the compile service built (its wasm-bindgen script and wasm,
    /// relative to the site) unless it is here already; runs given the program it returns use
    /// it.
    pub fn load_edited(&self, glue: String, wasm: String) -> Program {
        let mut edited = self.pool.edited.borrow_mut();
        if let Some(known) = edited.iter().find(|e| e.glue == glue) {
            return known.program;
        }
        let n = edited.last().map_or(1, |e| match e.program {
            Program::Edited(n) => n + 1,
            _ => 1,
        });
        if edited.len() >= EDITED_KEPT {
            edited.remove(0);
        }
        let module = Latch::new();
        let program = Program::Edited(n);
        edited.push(Edited {
            program,
            glue,
            module: module.clone(),
        });
        wasm_bindgen_futures::spawn_local(async move { module.set(compile_runner(&wasm).await) });
        program
    }

    /// The program a run of lesson `lesson` uses: the full one once it is compiled (it has
    /// every snippet); else, for a first-part lesson, the first part's program unless only the
    /// full one is on its way (a comparison on a later lesson's page); else the full one.
    pub(super) fn program_for(&self, lesson: &str) -> Program {
        let [first_asked, full_asked] = self.pool.asked.get();
        match (self.pool.full.get(), Program::for_lesson(lesson)) {
            (Some(Ok(_)), _) => Program::Full,
            (_, Program::First) if full_asked && !first_asked => Program::Full,
            (_, program) => program,
        }
    }

    /// Warm workers were started uncontrolled when the service worker takes control late:
    /// replace them, so that every run from now on uses the slow web.
    pub(super) fn on_net_change(&self, status: &NetStatus) {
        if *status != NetStatus::SlowWeb {
            return;
        }
        for slot in self.pool.warm.borrow_mut().drain(..) {
            slot.worker.terminate();
        }
        self.top_up();
    }

    /// Keeps `WARM_WORKERS` booted workers of the widest compiled program waiting (those of
    /// the first part's program go once the full one is here).
    pub(super) fn top_up(&self) {
        let Some((program, _)) = self.pool.widest_ready() else {
            return;
        };
        self.pool.warm.borrow_mut().retain(|s| s.program == program);
        while self.pool.warm.borrow().len() < WARM_WORKERS {
            match self.spawn_worker(program) {
                Ok(slot) => self.pool.warm.borrow_mut().push(slot),
                Err(e) => {
                    web_sys::console::error_1(&format!("async-tutor: {e}").into());
                    break;
                }
            }
        }
    }

    /// A worker of `program` for a run: a warm one, else a new one.
    pub(super) fn take_worker(&self, program: Program) -> Result<Rc<Slot>, RunError> {
        let warm = {
            let mut warm = self.pool.warm.borrow_mut();
            let at = warm.iter().rposition(|s| s.program == program);
            at.map(|i| warm.remove(i))
        };
        match warm {
            Some(slot) => Ok(slot),
            None => self.spawn_worker(program),
        }
    }

    /// Forgets `slot` if it is a warm one (it crashed before its run).
    pub(super) fn forget_warm(&self, slot: &Rc<Slot>) {
        self.pool.warm.borrow_mut().retain(|s| !Rc::ptr_eq(s, slot));
    }

    fn spawn_worker(&self, program: Program) -> Result<Rc<Slot>, RunError> {
        let Some(Ok(module)) = self.pool.module(program).get() else {
            return Err(runner_error(RunnerProblem::NotCompiled));
        };
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name("async-tutor runner");
        let worker = Worker::new_with_options("runner-boot.js", &options).map_err(|e| {
            runner_error(RunnerProblem::Start {
                detail: js_error_text(&e),
            })
        })?;
        let slot = Rc::new_cyclic(|weak: &Weak<Slot>| {
            let (bridge, w) = (self.me.clone(), weak.clone());
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                if let (Some(bridge), Some(slot)) = (bridge.upgrade(), w.upgrade()) {
                    bridge.on_message(&slot, e.data());
                }
            });
            let (bridge, w) = (self.me.clone(), weak.clone());
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                // Handled here: unhandled, a panic's trap would also reach the page's window
                // as an uncaught `RuntimeError: unreachable`.
                e.prevent_default();
                if let (Some(bridge), Some(slot)) = (bridge.upgrade(), w.upgrade()) {
                    bridge.on_crash(&slot, e.message());
                }
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            Slot {
                worker: worker.clone(),
                program,
                ready: Cell::new(false),
                run: Cell::new(None),
                _on_message: on_message,
                _on_error: on_error,
            }
        });
        // What www/runner-boot.js reads: the compiled module, and the script that instantiates it.
        let boot = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&boot, &"type".into(), &"boot".into());
        let _ = js_sys::Reflect::set(&boot, &"module".into(), &module);
        let glue = JsValue::from(self.pool.glue(program));
        let _ = js_sys::Reflect::set(&boot, &"glue".into(), &glue);
        worker.post_message(&boot).map_err(|e| {
            runner_error(RunnerProblem::Boot {
                detail: js_error_text(&e),
            })
        })?;
        Ok(slot)
    }
}

/// Fetches and compiles a runner program (its wasm at `wasm`) once; every worker of it
/// instantiates the same module.
/// Streamed: compiled while it downloads, and, answered from the service worker's cache, the
/// browser's code cache can hand back the machine code of an earlier visit. A host that
/// serves the file with another type than `application/wasm` gets the whole-file path.
async fn compile_runner(wasm: &str) -> Module {
    let window = web_sys::window().ok_or("no window")?;
    let streamed = js_sys::WebAssembly::compile_streaming(&window.fetch_with_str(wasm));
    match JsFuture::from(streamed).await {
        Ok(module) => return Ok(module),
        Err(e) => web_sys::console::info_1(
            &format!(
                "async-tutor: compiling the runner as it downloads failed ({}); trying the whole file",
                js_error_text(&e)
            )
            .into(),
        ),
    }
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(wasm))
        .await
        .map_err(|e| js_error_text(&e))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{wasm} answered HTTP {}", response.status()));
    }
    let bytes = JsFuture::from(response.array_buffer().map_err(|e| js_error_text(&e))?)
        .await
        .map_err(|e| js_error_text(&e))?;
    JsFuture::from(js_sys::WebAssembly::compile(&bytes))
        .await
        .map_err(|e| js_error_text(&e))
}

/// The page's own wasm-bindgen script, absolute: what `www/start.js` imported.
fn app_glue() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let tag = document.query_selector("script[data-app-js]").ok()??;
    let relative = tag.get_attribute("data-app-js")?;
    let base = document.base_uri().ok()??;
    web_sys::Url::new_with_base(&relative, &base)
        .ok()
        .map(|u| u.href())
}
