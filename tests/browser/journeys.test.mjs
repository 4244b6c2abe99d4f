// The daily journeys of union staff and workers, in a real Chromium, as a person does them: fields
// and buttons are found by their visible labels. Chinese throughout, and one journey in English.
//
// To add a journey: a new `test(...)` in this file (or a new *.test.mjs beside it) that signs in with
// `signIn`, acts through labels and roles, and calls `check(page, "journey-step")` on every page it
// reaches. `check` runs axe-core, fails on console errors and failed requests, and saves screenshots.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { check, idNumber, launch, missingBrowser, openPage, PASSWORD, SCREENSHOTS, signIn, startApp } from "./harness.mjs";

const skip = missingBrowser();

describe("daily journeys", skip ? { skip } : {}, () => {
  let app;
  let browser;

  before(async () => {
    app = await startApp();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    console.log(`\nScreenshots of every journey are in ${SCREENSHOTS}\n`);
  });

  test("an admin creates a union and its staff account; the new staff member changes the password and sees only their union", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "admin");
    await page.waitForURL(`${app.url}/`);
    await check(page, "1-home-admin");

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "组织" }).click();
    await check(page, "1-org-tree");
    await page.getByRole("link", { name: "甘井子区总工会" }).first().click();
    await page.getByRole("link", { name: "新建下级组织" }).click();
    assert.equal(await page.getByLabel("上级组织编码").inputValue(), "DL-GJZ");
    await page.getByLabel("组织名称").fill("大连星海冷链物流有限公司工会");
    await page.getByLabel("组织编码", { exact: true }).fill("DL-GJZ-XH");
    await page.getByLabel("联系电话").fill("0411-86609999");
    await check(page, "1-org-new");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("heading", { name: "大连星海冷链物流有限公司工会" }).waitFor();
    await check(page, "1-org-created");

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "账号" }).click();
    await page.getByRole("link", { name: "新建账号" }).click();
    await page.getByLabel("用户名").fill("xinghai");
    await page.getByLabel("姓名").fill("周星");
    await page.getByLabel("所属组织编码").fill("DL-GJZ-XH");
    await page.getByLabel("初始密码").fill("temporary-pass-9");
    await check(page, "1-user-new");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("heading", { name: "周星" }).waitFor();
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL(`${app.url}/login`);

    await signIn(page, app.url, "xinghai", "temporary-pass-9");
    await page.waitForURL(`${app.url}/account/password`);
    await check(page, "1-must-change-password");
    await page.getByLabel("当前密码").fill("temporary-pass-9");
    await page.getByLabel("新密码", { exact: true }).fill("星海冷链的新密码2026");
    await page.getByLabel("再次输入新密码").fill("星海冷链的新密码2026");
    await page.getByRole("button", { name: "保存新密码" }).click();
    await page.waitForURL(`${app.url}/`);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "组织" }).click();
    const tree = await page.locator("main").innerText();
    assert.match(tree, /大连星海冷链物流有限公司工会/);
    assert.doesNotMatch(tree, /甘井子区红旗街道工会|金州区总工会/, "only their own union's part of the tree");
    await check(page, "1-tree-of-new-staff");
    await page.context().close();
  });

  test("staff add a member by hand, find them, import a batch with one bad row, fix it, and export", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "staff");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "会员" }).click();
    await check(page, "2-members");
    await page.getByRole("link", { name: "登记会员" }).click();
    const good = idNumber("21021119880512417");
    const wrong = good.slice(0, 17) + (good.endsWith("1") ? "2" : "1");
    await page.getByLabel("所属组织编码").fill("DL-GJZ-HQ-SD");
    await page.getByLabel("姓名").fill("车晓东");
    await page.getByLabel("身份证号").fill(wrong);
    await page.getByLabel("手机号").fill("13941112233");
    await page.getByLabel("职业").selectOption({ label: "货车司机" });
    await page.getByLabel("入会日期").fill("2026年11月3日");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("身份证号校验位不对").waitFor();
    assert.equal(await page.getByLabel("姓名").inputValue(), "车晓东", "nothing typed is lost");
    assert.equal(await page.getByLabel("手机号").inputValue(), "13941112233");
    assert.equal(await page.getByLabel("身份证号").getAttribute("aria-invalid"), "true");
    await check(page, "2-member-wrong-id");
    await page.getByLabel("身份证号", { exact: true }).fill(good);
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("heading", { name: /车晓东/ }).waitFor();
    await check(page, "2-member-created");

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "会员" }).click();
    await page.getByLabel("查找").fill("晓东");
    await page.getByRole("button", { name: "筛选" }).click();
    await page.getByRole("cell", { name: "车晓东" }).waitFor();
    await check(page, "2-member-found");

    const header = "姓名,身份证号,手机号,工作单位或平台,职业,技能等级,入会日期";
    const rider = (n, id) => `骑手${n},${id},139041150${n}0,美团外卖大连站,网约配送员,,2026/11/20`;
    const file = (lastId) => ({ name: "骑手入会.csv", mimeType: "text/csv", buffer: Buffer.from("\ufeff" + [header,
      rider(0, idNumber("21021119950601000")), rider(1, idNumber("21021119950602001")), rider(2, lastId)].join("\r\n")) });
    const badLast = "210211199506030020";
    await page.getByRole("link", { name: "批量入会 / 导入" }).click();
    await check(page, "2-import");
    await page.getByLabel("选择文件").setInputFiles(file(badLast));
    await page.getByLabel("默认所属组织（编码或全称）").fill("DL-GJZ-HQ-SD");
    await page.getByRole("button", { name: "上传并检查" }).click();
    await page.getByText("第 4 行").waitFor();
    await check(page, "2-import-problem");
    assert.equal(await page.getByRole("button", { name: /确认导入/ }).count(), 0, "no import while a row is wrong");
    await page.getByRole("link", { name: "重新上传", exact: true }).click();
    await page.getByLabel("选择文件").setInputFiles(file(idNumber("21021119950603002")));
    await page.getByLabel("默认所属组织（编码或全称）").fill("DL-GJZ-HQ-SD");
    await page.getByRole("button", { name: "上传并检查" }).click();
    await page.getByRole("button", { name: "确认导入 3 人" }).click();
    await page.getByText("导入完成：新增会员 3 人").waitFor({ timeout: 20_000 });
    await check(page, "2-import-done");

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "会员" }).click();
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Excel (.xlsx)" }).click();
    assert.equal((await download).suggestedFilename(), "会员名单.xlsx");
    await page.context().close();
  });

  test("a worker joins online on a phone from the union's QR link, and staff approve", async () => {
    const staff = await openPage(browser);
    await signIn(staff, app.url, "staff");
    await staff.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "组织" }).click();
    await staff.getByRole("link", { name: "大连顺达物流有限公司工会" }).first().click();
    await staff.getByRole("link", { name: "入会二维码" }).click();
    await check(staff, "3-qr");
    const joinUrl = (await staff.locator(".qr-url").innerText()).trim();

    const phone = await openPage(browser, { phone: true });
    await phone.goto(joinUrl);
    await check(phone, "3-join-form");
    await phone.getByLabel("姓名").fill("阿依古丽·买买提");
    await phone.getByLabel("身份证号").fill(idNumber("65010119970815022"));
    await phone.getByLabel("手机号").fill("139 0000 7777");
    await phone.getByLabel("职业").selectOption({ label: "快递员" });
    await phone.getByLabel("我已阅读并同意个人信息保护说明").check();
    await phone.getByRole("button", { name: "提交入会申请" }).click();
    const reference = (await phone.locator("#reference").innerText()).trim();
    assert.match(reference, /^RH[A-Z0-9]{8}$/);
    await check(phone, "3-join-submitted");

    // The request shows up as a to-do on the staff's home page, which leads to the queue.
    await staff.goto(`${app.url}/`);
    await check(staff, "3-home-todo");
    await staff.getByRole("link", { name: /等您审核的入会申请/ }).click();
    await check(staff, "3-queue");
    const row = staff.locator("tr", { hasText: reference });
    await row.getByRole("button", { name: "通过", exact: true }).click();
    await staff.getByRole("heading", { name: /阿依古丽·买买提/ }).waitFor();

    await phone.getByRole("link", { name: "查询申请进度" }).click();
    await phone.getByText("已通过，欢迎入会").waitFor();
    await check(phone, "3-join-status");
    await staff.context().close();
    await phone.context().close();
  });

  test("a joining ceremony: twenty workers apply from one network within a minute, approved in one batch", async () => {
    const staff = await openPage(browser);
    await signIn(staff, app.url, "staff");
    await staff.goto(`${app.url}/orgs`);
    await staff.getByRole("link", { name: "大连顺达物流有限公司工会" }).first().click();
    await staff.getByRole("link", { name: "入会二维码" }).click();
    await staff.getByRole("button", { name: "开启今天的入会仪式" }).click();
    await staff.getByText("今天的入会仪式进行中").waitFor();
    await check(staff, "6-ceremony-open");
    const joinUrl = (await staff.locator(".qr-url").innerText()).trim();

    const hall = await openPage(browser, { phone: true });
    const names = [];
    for (let n = 0; n < 20; n++) {
      const name = `仪式${"甲乙丙丁戊己庚辛壬癸"[n % 10]}${n < 10 ? "" : "二"}`;
      names.push(name);
      await hall.goto(joinUrl);
      await hall.getByLabel("姓名").fill(name);
      await hall.getByLabel("身份证号").fill(idNumber(`21021119960101${String(100 + n)}`));
      await hall.getByLabel("手机号").fill(`1390000${String(1000 + n)}`);
      await hall.getByLabel("我已阅读并同意个人信息保护说明").check();
      await hall.getByRole("button", { name: "提交入会申请" }).click();
      await hall.getByText("申请已提交").waitFor();
    }

    await staff.goto(`${app.url}/members/requests?q=${encodeURIComponent("仪式")}`);
    await check(staff, "6-queue-ceremony");
    const boxes = staff.locator("table input[type=checkbox]");
    assert.equal(await boxes.count(), 20);
    for (const box of await boxes.all()) await box.check();
    await staff.getByRole("button", { name: "通过所选申请", exact: true }).click();
    await staff.getByText("已通过 20 份入会申请").waitFor();
    await check(staff, "6-queue-approved");
    await hall.context().close();
    await staff.context().close();
  });

  test("each other role sees its own part: reviewer, manager and a grassroots union's staff", async () => {
    for (const [username, canEdit] of [["reviewer", false], ["manager", false], ["applicant", true]]) {
      const page = await openPage(browser);
      await signIn(page, app.url, username);
      await page.waitForURL(`${app.url}/`);
      await check(page, `5-home-${username}`);
      await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "会员" }).click();
      await check(page, `5-members-${username}`);
      assert.equal(await page.getByRole("link", { name: "登记会员" }).count(), canEdit ? 1 : 0,
        `${username} ${canEdit ? "may" : "may not"} add members`);
      if (username === "applicant") {
        // 红旗街道工会's staff see their own unions' members and no one from elsewhere.
        assert.equal(await page.getByText("大连市网约配送员工会").count(), 0);
        assert.ok(await page.getByText("大连顺达物流有限公司工会").count() > 0);
        // Part of a name that two of its unions share: both are offered, and the one picked filters.
        await page.getByLabel("所属组织（编码或名称中的字）").fill("大连");
        await page.getByRole("button", { name: "筛选", exact: true }).click();
        await page.getByText("有多个组织符合").waitFor();
        await check(page, "5-members-choices-applicant");
        await page.getByLabel("大连飞翔快递服务有限公司工会（DL-GJZ-HQ-FX）").check();
        await page.getByRole("button", { name: "筛选", exact: true }).click();
        assert.equal(await page.getByLabel("所属组织（编码或名称中的字）").inputValue(), "DL-GJZ-HQ-FX");
        assert.equal(await page.locator("table tbody tr", { hasText: "大连顺达物流有限公司工会" }).count(), 0);
      }
      await page.locator("table tbody a").first().click();
      await check(page, `5-member-${username}`);
      const transfer = page.getByRole("link", { name: "会员转会" });
      assert.equal(await transfer.count(), canEdit ? 1 : 0);
      if (canEdit) {
        await transfer.click();
        await page.getByText("会员编号不变").waitFor();
        await check(page, `5-transfer-${username}`);
      }
      await page.context().close();
    }
  });

  test("staff register an employer: a mistyped credit code is named beside it, the corrected one saved", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "staff");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "用人单位" }).click();
    await check(page, "5-employers");
    await page.getByRole("link", { name: "登记用人单位" }).click();
    await page.getByLabel("单位名称").fill("大连蜂鸟即配有限公司");
    await page.getByLabel("统一社会信用代码").fill("91210200 ma0t7r 1x3e");
    await page.getByLabel("单位类型").selectOption({ label: "平台企业" });
    await page.getByLabel("职工人数（约）").fill("1,200");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("统一社会信用代码的校验位不对").waitFor();
    assert.equal(await page.getByLabel("单位名称").inputValue(), "大连蜂鸟即配有限公司");
    await check(page, "5-employer-wrong-code");
    await page.getByLabel("统一社会信用代码").fill("91210200 ma0t7r 1x3d");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("heading", { name: "大连蜂鸟即配有限公司" }).waitFor();
    await page.getByText("91210200MA0T7R1X3D").waitFor();
    await check(page, "5-employer");
    await page.context().close();
  });

  test("a mediator takes in a case, accepts it, records two rounds and closes it with an agreement", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "mediator");
    const nav = page.getByRole("navigation", { name: "主导航" });
    assert.equal(await nav.getByRole("link", { name: "会员" }).count(), 0, "a mediator's menu holds no members");
    await nav.getByRole("link", { name: "劳动争议" }).click();
    await check(page, "6-disputes");
    await page.getByRole("link", { name: "受理登记" }).first().click();
    await page.getByLabel("来源").selectOption({ label: "来访" });
    await page.getByLabel("争议类型").selectOption({ label: "加班与休息休假" });
    await page.getByLabel("职工姓名").fill("闫");
    const good = idNumber("21021119900101517");
    await page.getByLabel("身份证号", { exact: true }).fill(good.slice(0, 17) + (good.endsWith("1") ? "2" : "1"));
    await page.getByLabel("手机号").fill("13904112233");
    await page.getByLabel("用人单位").fill("大连闪送同城配送有限公司");
    await page.getByLabel("主要事实与诉求").fill("骑手反映每日排班超过 12 小时，未支付加班费。");
    await page.getByLabel("诉求金额").fill("8600");
    await page.getByRole("button", { name: "登记案件" }).click();
    // A wrong ID number is said beside it; what was typed stays.
    await page.getByText(/校验/).first().waitFor();
    assert.equal(await page.getByLabel("诉求金额").inputValue(), "8600");
    await check(page, "6-dispute-intake-problem");
    await page.getByLabel("身份证号", { exact: true }).fill(good);
    await page.getByRole("button", { name: "登记案件" }).click();
    await page.getByRole("heading", { name: /甘劳调〔\d{4}〕\d+号/ }).waitFor();
    const caseUrl = page.url();
    // A second rider joins the case with his own claim: a collective case, its claim the total.
    const second = page.locator("#workers");
    await second.getByLabel("职工姓名").fill("欧阳");
    await second.getByLabel("身份证号", { exact: true }).fill(idNumber("21021119920304623"));
    await second.getByLabel("手机号").fill("13904115566");
    await second.getByLabel("该职工的诉求金额").fill("4,300");
    await second.getByRole("button", { name: "增加涉及职工" }).click();
    await page.getByText("涉及职工（2 人）").waitFor();
    await page.getByText("¥12,900.00").first().waitFor();
    const today = await page.getByLabel("受理日期").inputValue();
    await page.getByLabel("调解员").selectOption({ index: 1 });
    await page.getByRole("button", { name: "受理", exact: true }).click();
    await page.getByText("还剩 15 天").first().waitFor();
    for (const [offered, agreed] of [["5000", ""], ["8600", "8600"]]) {
      await page.getByLabel("调解日期").fill(today);
      await page.getByLabel("职工方到场人员").fill("闫本人");
      await page.getByLabel("单位愿支付金额").fill(offered);
      await page.getByLabel("达成一致金额").fill(agreed);
      await page.getByRole("button", { name: "保存调解记录" }).click();
      await page.getByText("调解记录已保存").waitFor();
    }
    await check(page, "6-dispute-rounds");
    await page.getByLabel("结果").selectOption({ label: "调解成功" });
    await page.getByLabel("结案日期").fill(today);
    await page.getByLabel("协议金额").fill("8,600");
    await page.getByRole("button", { name: "结案", exact: true }).click();
    await page.getByText("已结案").first().waitFor();
    await page.getByText("调解记录（2 次）").waitFor();
    await page.getByText("¥8,600.00").first().waitFor();
    await check(page, "6-dispute-mediated");
    // The agreement, printed: the page's own chrome is left off the paper.
    await page.getByRole("link", { name: "打印调解协议书" }).click();
    await page.getByRole("heading", { name: "劳动争议调解协议书" }).waitFor();
    await page.getByText("被申请人向申请人支付 ¥8,600.00。").waitFor();
    await check(page, "6-dispute-agreement");
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator(".site-header").isVisible(), false, "no menu on paper");
    await page.screenshot({ path: `${SCREENSHOTS}/6-dispute-agreement-print.png`, fullPage: true });
    await page.emulateMedia({ media: "screen" });
    // A notice to the employer from the case: drafted from the template, issued, printed.
    await page.goto(caseUrl);
    await page.getByRole("link", { name: "就本案发出函件" }).click();
    await page.getByLabel("种类").selectOption({ label: "提示函" });
    await page.getByRole("button", { name: "按模板填写" }).click();
    assert.match(await page.getByLabel("正文").inputValue(), /大连闪送同城配送有限公司：[\s\S]*10 个工作日/);
    await check(page, "6-letter-draft");
    await page.getByRole("button", { name: "签发" }).click();
    await page.getByRole("heading", { name: /甘工监函〔\d{4}〕\d+号/ }).waitFor();
    await check(page, "6-letter-issued");
    await page.getByRole("link", { name: "打印函件" }).click();
    await page.getByRole("heading", { name: "劳动法律监督提示函" }).waitFor();
    await check(page, "6-letter-print");
    await page.context().close();
  });

  test("staff record an industry contract from the register, file it, and read the dispute statistics", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "staff");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "集体合同" }).click();
    await page.getByText("甘井子区快递物流行业集体合同").waitFor();
    await check(page, "7-contracts");
    await page.getByRole("link", { name: "登记集体合同" }).click();
    await page.getByLabel("合同类型").selectOption({ label: "行业性" });
    await page.getByLabel("合同名称").fill("甘井子区即时配送行业集体合同");
    await page.getByLabel("企业方", { exact: true }).fill("甘井子区配送企业代表");
    await page.getByLabel("覆盖企业").fill("91210211 ma10j6t8hx\n大连不存在配送有限公司");
    await page.getByLabel("覆盖职工人数").fill("1.2万");
    await page.getByLabel("劳动报酬").check();
    await page.getByLabel("女职工特殊保护").check();
    const today = await page.getByLabel("签订日期").inputValue();
    const [year, rest] = [Number(today.slice(0, 4)), today.slice(4)];
    await page.getByLabel("生效日期").fill(today);
    await page.getByLabel("期满日期").fill(`${year + 2}${rest}`);
    await page.getByRole("button", { name: "登记合同" }).click();
    // The line the register does not know is named; what was typed stays.
    await page.getByText("以下企业不在用人单位名录中", { exact: false }).waitFor();
    await page.locator("#employers-error li", { hasText: "大连不存在配送有限公司" }).waitFor();
    assert.equal(await page.getByLabel("覆盖职工人数").inputValue(), "1.2万");
    await check(page, "7-contract-problem");
    await page.getByLabel("覆盖企业").fill("91210211 ma10j6t8hx\n大连闪送同城配送有限公司");
    await page.getByRole("button", { name: "登记合同" }).click();
    await page.getByRole("heading", { name: "甘井子区即时配送行业集体合同" }).waitFor();
    await page.getByText("覆盖企业（2 家）").waitFor();
    await page.getByText("待报送审查").first().waitFor();
    await page.getByLabel("人社部门审查意见或编号").fill("大人社集备〔2026〕12号");
    await page.getByRole("button", { name: "记录报送" }).click();
    await page.getByText("已记录报送审查").waitFor();
    await page.getByText("履行中").first().waitFor();
    await check(page, "7-contract");
    // The legal work in figures: charts with their tables, a bar leading to its cases.
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "劳动争议" }).click();
    await page.getByRole("link", { name: "维权统计" }).click();
    await page.getByRole("heading", { name: "维权统计", exact: true }).waitFor();
    await page.getByText("履行中的集体合同").waitFor();
    await check(page, "7-dispute-statistics");
    await page.getByRole("figure", { name: "按争议类型" }).getByRole("row").nth(1).getByRole("link").click();
    await page.getByText(/共 \d+ 件/).waitFor();
    await page.context().close();
  });

  test("a worker on a phone finds the nearest open station with water and charging; staff record its services", async () => {
    const phone = await openPage(browser, { phone: true });
    await phone.goto(`${app.url}/finder`);
    await check(phone, "8-finder");
    await phone.getByLabel("你在哪个区县").selectOption({ label: "西岗区" });
    await phone.getByRole("button", { name: "查找" }).click();
    // The district's places, as a list to pick from (this works without JavaScript too).
    await phone.getByRole("link", { name: "大连火车站" }).waitFor();
    await phone.getByLabel("你在哪儿附近").selectOption({ label: "大连火车站" });
    await phone.getByLabel("饮用水").check();
    await phone.getByLabel("充电").check();
    await phone.getByRole("button", { name: "查找" }).click();
    await phone.getByRole("heading", { name: /从“大连火车站”步行15分钟内的驿站/ }).waitFor();
    const nearest = phone.locator(".finder-item").first();
    await nearest.getByText("现在开放").waitFor();
    await nearest.getByText(/150 米，步行约 3 分钟/).waitFor();
    assert.match(await nearest.innerText(), /饮用水.*充电/s);
    await check(phone, "8-finder-results");
    const name = (await nearest.locator("strong").innerText()).trim();
    await phone.context().close();

    // The station's staff count the day's services.
    const page = await openPage(browser);
    await signIn(page, app.url, "admin");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "工会驿站" }).click();
    await page.getByLabel("名称、编号或地址").fill(name);
    await page.getByRole("button", { name: "筛选" }).click();
    await page.getByRole("link", { name }).click();
    await page.getByRole("heading", { name }).waitFor();
    await check(page, "8-station");
    await page.getByLabel("饮水", { exact: true }).fill("很多");
    await page.getByRole("button", { name: "登记", exact: true }).click();
    await page.getByText("人次写一个不超过100000的整数").waitFor();
    assert.equal(await page.getByLabel("饮水", { exact: true }).inputValue(), "很多");
    await page.getByLabel("饮水", { exact: true }).fill("36");
    await page.getByLabel("充电", { exact: true }).fill("12");
    await page.getByRole("button", { name: "登记", exact: true }).click();
    await page.getByText("服务人次已登记").waitFor();
    await check(page, "8-station-services");

    // The city's service totals, then only water: the bar's link narrows them.
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "服务统计" }).click();
    await page.getByRole("heading", { name: "驿站服务统计" }).waitFor();
    await check(page, "8-station-totals");
    const all = Number(await page.locator(".stat-value").first().innerText());
    await page.locator("table.chart-data").first().getByRole("link", { name: "饮水", exact: true }).click();
    await page.waitForURL(/service=water/);
    assert.equal(await page.getByLabel("服务类别", { exact: true }).inputValue(), "water");
    const water = Number(await page.locator(".stat-value").first().innerText());
    assert.ok(water > 0 && water < all, `${water} of ${all}`);
    await page.context().close();
  });

  test("a doctor follows up a health hut's alert: reads the worker's series and closes it with advice", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "doctor");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "健康随访" }).click();
    await page.getByRole("heading", { name: /待随访的异常预警/ }).waitFor();
    await check(page, "9-health");
    const first = page.locator(".alert-list > li").first();
    const worker = (await first.locator("strong a").innerText()).trim();
    await first.locator("strong a").click();
    await page.getByRole("heading", { name: `${worker}的健康档案` }).waitFor();
    await page.getByText("本次查看已记入审计日志").waitFor();
    await check(page, "9-health-record");
    await page.goBack();
    const alerts = await page.locator(".alert-list > li").count();
    const item = page.locator(".alert-list > li").first();
    await item.getByLabel("随访建议").fill("低盐饮食，一个月后到小屋复查血压");
    await item.getByLabel("已转诊").check();
    await item.getByRole("button", { name: "记录随访并关闭" }).click();
    await page.getByText("随访已记录，预警已关闭").waitFor();
    assert.equal(await page.locator(".alert-list > li").count(), alerts - 1);
    await check(page, "9-health-closed");
    await page.context().close();
  });

  test("staff run a care campaign: a member scanned once counts once, a rider who is not a member is recorded", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "staff");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "关爱行动" }).click();
    await page.getByRole("heading", { name: "关爱行动", exact: true }).waitFor();
    await check(page, "10-care");
    // A member number to scan, read off the district's winter relief list.
    await page.getByRole("link", { name: "甘井子区冬季送温暖" }).click();
    const number = (await page.locator("#recipients tbody tr").first().locator("td").nth(1).innerText()).split("\n")[0].trim();
    assert.match(number, /^GH\d+$/);
    await page.getByRole("link", { name: "关爱行动" }).first().click();
    await page.getByRole("link", { name: "新建关爱行动" }).click();
    await page.getByLabel("行动名称").fill("骑手暖心包·红旗站");
    await page.getByLabel("每人价值（元）").fill("八十");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("无法识别的金额").waitFor();
    assert.equal(await page.getByLabel("行动名称").inputValue(), "骑手暖心包·红旗站");
    await page.getByLabel("每人价值（元）").fill("80");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("关爱行动已保存").waitFor();
    await check(page, "10-care-campaign");

    const scan = page.locator("form", { has: page.getByLabel("会员号或身份证号") });
    await scan.getByLabel("会员号或身份证号").fill(number);
    await scan.getByRole("button", { name: "登记" }).click();
    await page.getByText("已登记。").waitFor();
    await page.getByRole("heading", { name: "受益职工（1 人）" }).waitFor();
    await scan.getByLabel("会员号或身份证号").fill(number);
    await scan.getByRole("button", { name: "登记" }).click();
    await page.getByText(/这位职工已于 \d{4}-\d{2}-\d{2} 登记/).waitFor();
    await check(page, "10-care-twice");

    const outsider = page.locator("details", { hasText: "登记非会员职工" });
    await outsider.locator("summary").click();
    await outsider.getByLabel("姓名").fill("闫");
    await outsider.getByLabel("身份证号").fill(idNumber("21021119990909077"));
    await outsider.getByLabel("手机号").fill("137 2000 1234");
    await outsider.getByRole("button", { name: "登记" }).click();
    await page.getByRole("heading", { name: "受益职工（2 人）" }).waitFor();
    await page.getByText("137****1234").waitFor();
    await check(page, "10-care-outsider");
    // Settled (after the browser's confirmation): the campaign takes no more workers.
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "结算" }).click();
    await page.getByText("已结算，行动结束。").waitFor();
    await page.getByText(/已于 \d{4}-\d{2}-\d{2} 结算/).waitFor();
    assert.equal(await page.getByLabel("会员号或身份证号").count(), 0);

    // The district's totals; a kind's bar narrows them to that kind.
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "关爱统计" }).click();
    await page.getByRole("heading", { name: "关爱统计" }).waitFor();
    await check(page, "10-care-totals");
    const all = Number(await page.locator(".stat-value").first().innerText());
    await page.locator("table.chart-data").first().getByRole("link", { name: "暖“新”礼包" }).click();
    await page.waitForURL(/kind=care_package/);
    const packages = Number(await page.locator(".stat-value").first().innerText());
    assert.ok(packages >= 1 && packages < all, `${packages} of ${all}`);
    await page.context().close();
  });

  test("a fast claim: staff file it for an enrolled courier, a reviewer approves it within the plan's benefit, staff pay", async () => {
    const page = await openPage(browser);
    await signIn(page, app.url, "staff");
    // A member number of 红旗街道, read off its summer campaign's list.
    await page.goto(`${app.url}/care`);
    await page.getByRole("link", { name: "红旗街道夏送清凉" }).click();
    const cells = await page.locator("#recipients tbody tr td:nth-child(2)").allInnerTexts();
    const number = cells.map((text) => text.split("\n")[0].trim()).find((text) => /^GH\d+$/.test(text));
    assert.ok(number, cells.join(" | "));
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "互助保障" }).click();
    await page.getByRole("heading", { name: "职工互助保障" }).waitFor();
    await check(page, "11-aid");
    await page.getByRole("link", { name: /红旗街道\d+年职工互助保障/ }).click();
    await page.getByRole("link", { name: "提出理赔" }).click();
    await page.getByLabel("会员号或身份证号").fill(number);
    await page.getByLabel("事故类别").selectOption("accident_medical");
    await page.getByLabel("经过").fill("送件途中摔伤右手，门诊处理");
    await page.getByLabel("申请金额（元）").fill("680");
    await page.getByLabel(/资料齐全/).check();
    await page.getByRole("button", { name: "提交理赔" }).click();
    await page.getByText("理赔已受理").waitFor();
    await page.getByText("快速通道").first().waitFor();
    // The invoice, photographed: kept with the claim, listed on it.
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("JFIF invoice")]);
    await page.getByLabel("材料种类").selectOption({ label: "票据" });
    await page.getByLabel("文件", { exact: true }).setInputFiles({ name: "门诊发票.jpg", mimeType: "image/jpeg", buffer: jpeg });
    await page.getByRole("button", { name: "上传" }).click();
    await page.getByRole("heading", { name: "理赔材料（1 份）" }).waitFor();
    await page.getByRole("link", { name: "门诊发票.jpg" }).waitFor();
    await check(page, "11-aid-claim");
    const claim = page.url();
    await page.context().close();

    const review = await openPage(browser);
    await signIn(review, app.url, "reviewer");
    await review.goto(claim);
    await review.getByLabel("核准金额（元）").fill("60000");
    await review.getByRole("button", { name: "核准" }).click();
    await review.getByText(/超过本计划此类事故的最高给付/).waitFor();
    await review.getByLabel("核准金额（元）").fill("680");
    await review.getByRole("button", { name: "核准" }).click();
    await review.getByText("已核准待支付").first().waitFor();
    await review.context().close();

    const pay = await openPage(browser);
    await signIn(pay, app.url, "staff");
    await pay.goto(claim);
    await pay.getByRole("button", { name: /支付/ }).click();
    await pay.getByText("已支付").first().waitFor();
    await check(pay, "11-aid-paid");
    await pay.context().close();
  });

  test("an auditor finds these changes in the audit trail, in English", async () => {
    const page = await openPage(browser, { locale: "en-GB" });
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Username").fill("auditor");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Audit trail" }).click();
    await check(page, "4-audit-en");
    await page.getByLabel("Record type").selectOption({ label: "Organisation" });
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("cell", { name: /DL-GJZ-XH/ }).first().waitFor();
    await page.getByLabel("Who (username)").fill("staff");
    await page.getByLabel("Record type").selectOption({ label: "Member" });
    await page.getByRole("button", { name: "Filter" }).click();
    const trail = await page.locator("table").innerText();
    assert.match(trail, /车晓东/, "the member staff added");
    assert.match(trail, /Viewed full numbers|Created/);
    await page.getByLabel("Who (username)").fill("");
    await page.getByLabel("Record type").selectOption({ label: "Join request" });
    await page.getByRole("button", { name: "Filter" }).click();
    assert.match(await page.locator("table").innerText(), /Approved/, "the approved join request");
    await check(page, "4-audit-filtered");
    await page.context().close();
  });
});
