//! The code editor's words: its buttons and notes, and what the compile service said.

use super::Lang;

/// The editor's fixed words.
pub struct EditStrings {
    pub edit: &'static str,
    pub close: &'static str,
    pub edited: &'static str,
    /// The editor's accessible name, with how to leave it by keyboard.
    pub editor: &'static str,
    /// A folded read-only part; `{n}` is its number of lines.
    pub folded: &'static str,
    pub show_changes: &'static str,
    pub reset: &'static str,
    pub undo_reset: &'static str,
    pub share: &'static str,
    pub share_copied: &'static str,
    pub loading: &'static str,
    pub needs_server: &'static str,
    pub stale: &'static str,
    pub share_damaged: &'static str,
    /// A share link's code was opened: read it before running it.
    pub from_link: &'static str,
    pub superseded: &'static str,
    pub diagnostics: &'static str,
    /// `{s}`: seconds so far.
    pub compiling: &'static str,
    /// `{s}`: seconds the build took; `{n}`: its warnings.
    pub built: &'static str,
    pub built_warning: &'static str,
    pub built_warnings: &'static str,
    /// `{n}`: the number of errors.
    pub error: &'static str,
    pub errors: &'static str,
    /// `{why}`: what went wrong.
    pub failed: &'static str,
}

const EN: EditStrings = EditStrings {
    edit: "Edit",
    close: "Close editor",
    edited: "edited",
    editor: "Code editor (Esc, then Tab, leaves it)",
    folded: "{n} lines of set-up (read-only)",
    show_changes: "Show changes",
    reset: "Reset code",
    undo_reset: "Undo reset",
    share: "Share link",
    share_copied: "Link copied",
    loading: "Loading the editor…",
    needs_server: "Running edited code needs the local compile server: start the course with `cargo xtask serve`. Reset code runs the original again.",
    stale: "This edit was made on an earlier version of the snippet, so all of it is editable; Reset code shows the current version.",
    share_damaged: "The code in this link is damaged: the snippet opens as it was.",
    from_link: "This code came from a link. Read it before you run it: Run builds it on your machine.",
    superseded: "A newer build replaced this one.",
    diagnostics: "Compiler messages",
    compiling: "Compiling… {s} s",
    built: "Built in {s} s.",
    built_warning: "Built in {s} s, with 1 warning.",
    built_warnings: "Built in {s} s, with {n} warnings.",
    error: "The edit does not compile: 1 error.",
    errors: "The edit does not compile: {n} errors.",
    failed: "The compile service failed: {why}",
};

const ZH: EditStrings = EditStrings {
    edit: "编辑",
    close: "关闭编辑器",
    edited: "已修改",
    editor: "代码编辑器（按 Esc 再按 Tab 离开）",
    folded: "{n} 行准备代码（只读）",
    show_changes: "显示改动",
    reset: "还原代码",
    undo_reset: "撤销还原",
    share: "分享链接",
    share_copied: "链接已复制",
    loading: "正在加载编辑器…",
    needs_server: "运行修改后的代码需要本地编译服务：请用 `cargo xtask serve` 启动本课程。点“还原代码”即可再运行原来的代码。",
    stale: "这份修改基于该代码片段的旧版本，因此全部可编辑；点“还原代码”可查看当前版本。",
    share_damaged: "此链接中的代码已损坏：代码片段按原样打开。",
    from_link: "这段代码来自一个链接。运行前请先读一读：“运行”会在你的机器上构建它。",
    superseded: "更新的一次构建取代了这一次。",
    diagnostics: "编译器信息",
    compiling: "正在编译… {s} 秒",
    built: "用时 {s} 秒构建完成。",
    built_warning: "用时 {s} 秒构建完成，有 1 条警告。",
    built_warnings: "用时 {s} 秒构建完成，有 {n} 条警告。",
    error: "修改后的代码无法编译：1 个错误。",
    errors: "修改后的代码无法编译：{n} 个错误。",
    failed: "编译服务出错：{why}",
};

impl Lang {
    /// The editor's fixed words.
    pub fn edit(self) -> &'static EditStrings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// The editor's bundle could not be loaded.
    pub fn editor_failed(self, why: &str) -> String {
        match self {
            Lang::En => format!("The editor could not be loaded: {why}"),
            Lang::Zh => format!("无法加载编辑器：{why}"),
        }
    }
}
