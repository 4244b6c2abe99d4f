// Contest applications and the budget, in a real Chromium: a grassroots union files an
// application with an attachment, a reviewer returns it, it is revised and resubmitted and
// approved; the manager opens the budget dashboard and drills down from a chart.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { check, launch, missingBrowser, openPage, signIn, startApp } from "./harness.mjs";

const skip = missingBrowser();
const TITLE = "红旗街道外卖骑手技能擂台赛";

describe("contest applications", skip ? { skip } : {}, () => {
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

  const nav = (page, name) =>
    page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name, exact: true }).click();

  test("a grassroots union files, a reviewer returns, the union revises, the reviewer approves, the manager drills down", async () => {
    const applicant = await openPage(browser);
    await signIn(applicant, app.url, "applicant");
    await nav(applicant, "竞赛申报");
    await check(applicant, "11-applications-applicant");
    await applicant.getByRole("link", { name: "新建申报" }).click();
    await applicant.getByLabel("赛道").selectOption({ label: "网约配送" });
    await applicant.getByLabel("赛事名称").fill(TITLE);
    await applicant.getByLabel("计划开始日期").fill("2026年12月26日");
    await applicant.getByLabel("计划结束日期").fill("2026/12/26");
    await applicant.getByLabel("举办地点").fill("红旗街道职工之家");
    await applicant.getByLabel("预计参赛人数").fill("80");
    await applicant.getByLabel("预计参赛企业数").fill("6");
    await applicant.getByLabel("联系人", { exact: true }).fill("刘洋");
    await applicant.getByLabel("场地费").fill("1.2万");
    await applicant.getByLabel("奖励费").fill("20,000");
    await applicant.getByLabel("申请补贴金额").fill("三万");
    await applicant.getByRole("button", { name: "保存草稿" }).click();
    // A request in words is named beside the field; what was typed stays.
    await applicant.getByText("无法识别的金额").waitFor();
    assert.equal(await applicant.getByLabel("赛事名称").inputValue(), TITLE);
    await check(applicant, "11-application-form-error");
    await applicant.getByLabel("申请补贴金额").fill("15000");
    await applicant.getByRole("button", { name: "保存草稿" }).click();
    await applicant.getByRole("heading", { name: TITLE }).waitFor();

    await applicant.getByLabel("用途").selectOption({ label: "赛事方案" });
    await applicant.getByLabel("文件").setInputFiles({
      name: "赛事方案.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
    });
    await applicant.getByRole("button", { name: "上传" }).click();
    await applicant.getByRole("link", { name: "赛事方案.pdf" }).waitFor();
    await applicant.getByRole("button", { name: "提交申报" }).click();
    await applicant.getByText("已提交，等待审核。").first().waitFor();
    await check(applicant, "11-application-submitted");

    const reviewer = await openPage(browser);
    await signIn(reviewer, app.url, "reviewer");
    await nav(reviewer, "审核队列");
    await reviewer.getByLabel("标题、编号或单位").fill(TITLE);
    await reviewer.getByRole("button", { name: "筛选" }).click();
    await check(reviewer, "11-review-queue");
    await reviewer.getByRole("link", { name: TITLE }).click();
    await check(reviewer, "11-application-review");
    await reviewer.getByLabel("需要修改的内容").fill("奖励费偏高，请按同类赛事标准核减。");
    await reviewer.getByRole("button", { name: "退回修改" }).click();
    await reviewer.getByText("已退回修改。").waitFor();

    // The applicant is told, revises and resubmits.
    await applicant.goto(`${app.url}/notices`);
    await applicant.getByText("被退回修改").first().waitFor();
    await check(applicant, "11-notices");
    await applicant.getByRole("link", { name: TITLE }).first().click();
    await applicant.getByRole("note").getByText("奖励费偏高").waitFor();
    await applicant.getByRole("link", { name: "编辑" }).click();
    await applicant.getByLabel("奖励费").fill("16000");
    await applicant.getByLabel("申请补贴金额").fill("14000");
    await applicant.getByRole("button", { name: "保存草稿" }).click();
    await applicant.getByRole("button", { name: "修改完毕，重新提交" }).click();
    await applicant.getByText("已提交，等待审核。").first().waitFor();

    await reviewer.reload();
    await reviewer.getByRole("heading", { name: "退回后修改的内容" }).waitFor();
    await check(reviewer, "11-application-changes");
    await reviewer.getByLabel("批准金额").fill("1.4万");
    await reviewer.getByRole("button", { name: "批准", exact: true }).click();
    await reviewer.getByText("已批准，资金已占用。").waitFor();
    await check(reviewer, "11-application-approved");

    const manager = await openPage(browser);
    await signIn(manager, app.url, "manager");
    await nav(manager, "预算看板");
    await manager.getByRole("heading", { name: "预算看板" }).waitFor();
    await check(manager, "11-budget-dashboard");
    // A bar of the tier chart is a link to the applications behind it.
    await manager.locator("#by-tier-caption").waitFor();
    await manager.locator("figure[aria-labelledby='by-tier-caption'] svg a").first().click();
    await manager.getByRole("heading", { name: "竞赛申报" }).waitFor();
    assert.match(manager.url(), /tier=\d/);
    await check(manager, "11-budget-drill-down");
  });
});
