// Competitions in a real Chromium: the city federation's staff create a competition, give it an
// event of two parts whose weights are first short of 100%, fix them, open registration, put a
// chief judge on the event's panel and register two members found in one search; then the chief
// judge enters a mark sheet by keyboard only (a wrong value said as typed) and locks it; a manager
// reads a final's published results and a certificate of it is verified on a phone by its QR link;
// staff recommend a winner for an honour and a member's record shows the honours granted.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { check, launch, openPage, signIn, startApp, missingBrowser } from "./harness.mjs";

const skip = missingBrowser();
const TITLE = "大连市无人机驾驶员职业技能竞赛";

describe("competitions", skip ? { skip } : {}, () => {
  let app;
  let browser;

  before(async () => {
    app = await startApp();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test("staff create a competition, shape its event until the weights make 100%, and open registration", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "organiser");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "技能竞赛", exact: true }).click();
    await page.getByRole("link", { name: "新建竞赛" }).click();
    await page.getByLabel("类别").selectOption({ label: "一类（市级）" });
    await page.getByLabel("赛道").selectOption({ label: "低空经济（新质生产力（前沿领域））" });
    await page.getByLabel("竞赛名称").fill(TITLE);
    await page.getByLabel("比赛开始日期").fill("2027-05-10");
    await page.getByLabel("比赛结束日期").fill("2027-05-09");
    await page.getByRole("button", { name: "保存" }).click();
    // The reversed dates are named beside the field; the title stays.
    await page.getByText("结束日期早于开始日期").waitFor();
    assert.equal(await page.getByLabel("竞赛名称").inputValue(), TITLE);
    await page.getByLabel("比赛结束日期").fill("2027-05-11");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("heading", { name: TITLE }).waitFor();

    const eventForm = page.locator('form[action$="/events"]');
    await eventForm.getByLabel("赛项名称").fill("无人机植保作业");
    await eventForm.getByRole("button", { name: "新增赛项" }).click();
    await page.getByRole("heading", { name: /无人机植保作业/ }).waitFor();

    const addPart = async (name, kind, weight) => {
      await page.getByText("新增组成部分", { exact: true }).first().click();
      const form = page.locator('form[action$="/parts"]');
      await form.getByLabel("组成部分名称").fill(name);
      await form.getByLabel("类型").selectOption({ label: kind });
      await form.getByLabel("满分").fill("100");
      await form.getByLabel("权重").fill(weight);
      await form.getByRole("button", { name: "新增组成部分" }).click();
    };
    const addItem = async (part, name, weight) => {
      await page.getByText(`为「${part}」新增小项`).click();
      const form = page.locator("details[open] form[action$=\"/items\"]");
      await form.getByLabel("小项名称").fill(name);
      await form.getByLabel("满分").fill("100");
      await form.getByLabel("权重").fill(weight);
      await form.getByRole("button", { name: "新增小项" }).click();
    };
    await addPart("理论考试", "理论考试", "30");
    await addPart("实操项目", "实操项目", "60%");
    await addItem("理论考试", "理论考试", "100");
    await addItem("实操项目", "飞行操作", "100");
    await page.getByText("组成部分的权重合计不是 100%").waitFor();
    await check(page, "12-competition-weights-short");

    await page.getByRole("button", { name: "开放报名" }).click();
    await page.getByText("还不能开放报名").waitFor();

    // The theory part goes, and comes back at 40%.
    await page.locator("tr", { hasText: "理论考试" }).first().getByRole("button", { name: "删除" }).click();
    await addPart("理论考试", "理论考试", "40");
    await addItem("理论考试", "理论考试", "100");
    await page.getByText("组成部分权重合计 100%").waitFor();
    await page.getByRole("button", { name: "开放报名" }).click();
    await page.getByText("报名中").first().waitFor();
    await check(page, "12-competition-registration-open");

    await page.getByRole("link", { name: "报名与评委" }).click();
    await page.getByLabel("评委", { exact: true }).selectOption({ label: "孙磊（大连市总工会）" });
    await page.getByRole("button", { name: "添加评委" }).click();
    await page.locator("#judges").getByText("裁判长").waitFor();

    await page.getByLabel("查找会员").fill("林峰，罗刚");
    await page.getByRole("button", { name: "查找", exact: true }).click();
    const ticks = page.locator('#register input[type="checkbox"]');
    await ticks.first().waitFor();
    assert.ok((await ticks.count()) >= 2, "both names are found");
    // Nothing ticked: the problem is said and nobody is registered.
    await page.getByRole("button", { name: "为所选会员报名" }).click();
    await page.getByText("请至少勾选一名会员").waitFor();
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await page.getByRole("button", { name: "为所选会员报名" }).click();
    await page.getByText("已报名 2 人。").waitFor();
    await page.getByText("已报名 2 人，退赛 0 人").waitFor();
    await page.getByRole("cell", { name: "A002" }).waitFor();
    await check(page, "12-competition-registered");

    // From a file: a line naming someone already entered and one naming nobody are both said by
    // line, and nobody is registered.
    const list = ["姓名,会员号", "林峰,", "某人,GH99999999"].join("\r\n");
    await page.getByLabel("选择文件").setInputFiles({ name: "报名表.csv", mimeType: "text/csv", buffer: Buffer.from("\ufeff" + list) });
    await page.getByRole("button", { name: "上传并预览" }).click();
    await page.getByText("本次未报名任何人").waitFor();
    await page.locator("tr", { hasText: "某人" }).getByText("没有找到这名会员").waitFor();
    await page.locator("tr", { hasText: "林峰" }).getByText("请填写身份证号或会员号").waitFor();
    await check(page, "12-registration-file-problems");
    await page.getByRole("link", { name: "返回赛项页重新上传" }).click();

    await page.getByRole("navigation", { name: "位置" }).getByRole("link", { name: TITLE }).click();
    await page.getByRole("button", { name: "截止报名" }).click();
    await page.getByRole("button", { name: "开始比赛" }).click();
    await page.getByText("比赛中").first().waitFor();

    const judge = await openPage(browser);
    await signIn(judge, app.url, "judge");
    await judge.goto(page.url());
    await judge.getByRole("link", { name: "报名与评委" }).click();
    await judge.getByRole("link", { name: "理论考试 · 理论考试" }).click();
    const first = judge.getByLabel("A001 的分数");
    await first.focus();
    await judge.keyboard.type("88.5");
    await judge.keyboard.press("Enter");
    assert.equal(await judge.evaluate(() => document.activeElement.getAttribute("aria-label")), "A002 的分数");
    await judge.keyboard.type("9x");
    await judge.locator("#mark-sheet tr", { hasText: "A002" }).getByText("请输入 0 至 100 之间、最多两位小数的分数").waitFor();
    assert.equal(await judge.getByLabel("A002 的分数").getAttribute("aria-invalid"), "true");
    await judge.keyboard.press("Backspace");
    await judge.keyboard.type("2");
    assert.equal(await judge.getByLabel("A002 的分数").getAttribute("aria-invalid"), null);
    await judge.keyboard.press("Enter");
    await judge.getByText("已保存 2 个分数").waitFor();
    await judge.getByText("已有分数 2 / 2").waitFor();
    await judge.getByRole("button", { name: "锁定本小项分数" }).click();
    await judge.getByText("本小项分数已锁定").waitFor();
    await check(judge, "12-mark-sheet-locked");
  });

  test("a manager reads the building-materials final's published results and a certificate is verified on a phone", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "manager");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "技能竞赛", exact: true }).click();
    await page.getByRole("link", { name: /全国建材行业职业技能竞赛决赛/ }).first().click();
    await page.getByText("成绩已公布", { exact: true }).first().waitFor();
    await page.getByRole("link", { name: "成绩与奖项" }).first().click();
    await page.getByText("成绩已公布并冻结").waitFor();
    assert.ok((await page.getByRole("cell", { name: "一等奖" }).count()) >= 4, "four first prizes or more");
    assert.equal(await page.getByRole("button", { name: "保存奖项设置" }).count(), 0, "frozen: no award form");
    await check(page, "12-results-published");

    // Its certificates: one opens as an A4 certificate whose QR code holds the public check.
    await page.getByRole("link", { name: "电子证书" }).click();
    await page.locator("tbody tr").first().getByRole("link").click();
    const certificate = page.getByRole("article", { name: "荣誉证书" });
    await certificate.waitFor();
    await check(page, "12-certificate");
    const link = (await page.locator(".certificate-url").textContent()).trim();
    assert.match(link, /\/verify\/[A-HJ-NP-Z2-9]{16}$/);

    // A worker scans it on a phone, signed in to nothing.
    const phone = await openPage(browser, { phone: true });
    await phone.goto(app.url + new URL(link).pathname);
    await phone.getByText("此证书真实有效。").waitFor();
    const holder = await phone.locator("dd").first().textContent();
    assert.match(holder, /^.\*+$/, "only the surname shows");
    await check(phone, "12-certificate-verified");

    // The statistics: the year's shares, and the building-materials series with its chart.
    await page.goto(app.url + "/competitions");
    await page.getByRole("link", { name: "参赛统计" }).click();
    await page.getByText("新质生产力赛道占比").waitFor();
    await page.getByRole("heading", { name: /连续举办的竞赛：全国建材行业职业技能竞赛决赛/ }).waitFor();
    await page.getByRole("cell", { name: "8406", exact: true }).first().waitFor();
    await check(page, "12-statistics");
  });

  test("staff recommend a winner of the final for the May Day Labour Medal and see the demo's craftsman on his record", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "organiser");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "技能竞赛", exact: true }).click();
    await page.getByRole("link", { name: /全国建材行业职业技能竞赛决赛/ }).first().click();
    await page.getByRole("link", { name: "成果应用：荣誉与晋升推荐" }).click();
    // A promotion without its level is said beside the field, the winner chosen kept.
    const winner = page.getByLabel("获奖选手");
    await winner.selectOption({ index: 5 });
    const chosen = await winner.inputValue();
    await page.getByLabel("技能晋升直通车").check();
    await page.getByRole("button", { name: "推荐", exact: true }).click();
    await page.getByText("请选择晋升后的技能等级。").waitFor();
    assert.equal(await page.getByLabel("获奖选手").inputValue(), chosen);
    await page.getByLabel("五一劳动奖章").check();
    await page.getByRole("button", { name: "推荐", exact: true }).click();
    await page.getByText("已推荐。").waitFor();
    await check(page, "12-recommendations");
    // The demo's granted craftsman: his record lists the honour and the promotion.
    await page.getByRole("row", { name: /技能晋升直通车/ }).getByRole("link").first().click();
    await page.getByRole("heading", { name: "竞赛、证书与荣誉" }).waitFor();
    await page.getByText("大连工匠").first().waitFor();
    await page.getByText("技能晋升直通车 → 高级技师").waitFor();
    await check(page, "12-member-record");
  });
});
