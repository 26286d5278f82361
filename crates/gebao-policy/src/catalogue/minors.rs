//! Chapter "how we handle minors' personal information".

catalogue! {
    MINORS_ADULTS = "本产品面向成年人，我们不向未成年人提供服务，并会核实用户的年龄。" / "The Product is for adults. We do not provide it to minors, and we check users' age.";
    MINORS_GENERAL = "我们非常重视对未成年人个人信息的保护。本产品面向公众提供，未成年人也可能使用。" / "We take particular care of minors' personal information. The Product is open to the public, so minors may use it too.";
    MINORS_CHILDREN = "本产品是专门面向儿童的产品，我们会依照《儿童个人信息网络保护规定》等规定处理儿童的个人信息。" / "The Product is made for children, and we process children's personal information under the Provisions on the Cyber Protection of Children's Personal Information and other rules.";
    MINORS_GUARDIAN = "未满{age}周岁的儿童使用本产品，应当由其父母或者其他监护人阅读本政策并同意。" / "Children under {age} may use the Product only after a parent or other guardian has read this policy and agreed to it.";
    MINORS_VERIFIED = "我们会通过单独的验证步骤取得监护人的同意，不会因为儿童注册账号而推定监护人已经同意。" / "We obtain the guardian's consent in a separate, verified step; registering an account is never taken as the guardian's consent.";
    MINORS_TEEN_OWN = "已满{age}周岁未满十八周岁的未成年人可以自行同意本政策，我们建议其在监护人的陪同下阅读。" / "Minors aged {age} to 17 may agree to this policy themselves; we suggest they read it together with a guardian.";
    MINORS_TEEN_GUARDIAN = "已满{age}周岁未满十八周岁的未成年人使用本产品，也需要取得其监护人的同意。" / "Minors aged {age} to 17 also need a guardian's consent to use the Product.";
    MINORS_RULES = "我们为儿童个人信息制定了专门的处理规则：{rules}。" / "We have separate rules for children's personal information: {rules}.";
    MINORS_OFFICER = "我们指定{officer}负责儿童个人信息保护。" / "{officer} is responsible for protecting children's personal information.";
    MINORS_OFFICER_CONTACT = "我们指定{officer}负责儿童个人信息保护，您可以通过以下方式与其联系：" / "{officer} is responsible for protecting children's personal information; you can reach them as follows:";
    MINORS_GUARDIAN_CONTACT = "监护人对所监护儿童的个人信息有疑问，或者需要查阅、更正、删除儿童的个人信息的，可以通过以下方式联系我们：{contact}。" / "A guardian with questions about a child's personal information, or who wants to access, correct or delete it, can reach us as follows: {contact}.";
    MINORS_STAFF = "我们对工作人员访问未成年人个人信息实行最小授权，访问须经审批并予以记录。" / "Staff access to minors' personal information is kept to the minimum, needs approval and is logged.";
    MINORS_AUDIT = "我们每年对处理未成年人个人信息的情况进行合规审计，并将审计情况报送网信部门。" / "Every year we audit our processing of minors' personal information and report the results to the cyberspace authority.";
    MINORS_INCIDENT = "发生涉及未成年人个人信息的安全事件时，我们会同时告知未成年人及其监护人。" / "If a security incident involves minors' personal information, we tell both the minors and their guardians.";
    MINORS_UNVERIFIED = "如果我们发现在未事先取得监护人同意的情况下收集了儿童的个人信息，会尽快删除相关信息。" / "If we find that we have collected a child's personal information without a guardian's prior consent, we delete it as soon as possible.";
}
