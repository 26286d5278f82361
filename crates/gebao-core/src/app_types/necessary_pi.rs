//! NEC art. 5 data: the 39 app types in the regulation's order, each with its basic function
//! and its necessary personal information.
//!
//! The official text is https://www.cac.gov.cn/2021-03/22/c_1617990997054277.htm. A row is
//! `Verified` when its necessary-PI list (what CON-01 and CON-10 rely on) was read, word for
//! word, in the sources it names: full-text copies of the regulation, news reprints of it, or
//! an app's privacy policy quoting it. Every other row is `Unconfirmed`, and its note says
//! what is not confirmed; `gebao check` says so when it relies on such a row.
//!
//! In a `Verified` row every non-empty text is confirmed. Where NEC's wording of the basic
//! function was not found, `basic_function` is empty rather than paraphrased: a caller shows
//! the type's name instead. In an `Unconfirmed` row the texts are the best reading available
//! and are not to be quoted as NEC's words.

use super::{AppType, Confirmation, NecEntry, NecessaryItem};
use crate::taxonomy::Category as C;

const fn item(text: &'static str, categories: &'static [C]) -> NecessaryItem {
    NecessaryItem { text, categories }
}

const PHONE: NecessaryItem = item("注册用户移动电话号码", &[C::Phone]);
const PAYMENT: NecessaryItem = item("支付时间、支付金额、支付渠道等支付信息", &[C::TransactionRecords]);
/// The three items shared by 网上购物 and 餐饮外卖.
const SHOPPING: &[NecessaryItem] = &[PHONE, item("收货人姓名（名称）、地址、联系电话", &[C::Basic, C::Phone]), PAYMENT];

// Sources, by host and path.
const A: &str = "cctv-company.video/nav5/70903.html";
const B: &str = "toudeng.cc/archives/35252";
const SY: &str = "shaoyanglawyer.com/Infos/69098";
const D: &str = "shdbkk.com/html_3/hunlian/2282/list/14.html";
const E: &str = "czwb.bohaitoday.com/pc/content/202103/23/content_17704.html";
const F: &str = "kejilie.com/solidot/article/YZVVFj.html";
const G: &str = "finet.hk/newscenter/news_content/6058273dbde0b36ce0bc65bd";
const HS: &str = "m-huangshifb.cjyun.org/p/292607.html";
const DK: &str = "dangdangkuaidi.com/kuaidi/feiyong/275431.html";
const MN: &str = "memurnet.com/finance/385731.html";
const DJL: &str = "static.daojiale.com/static/mobile/privacyC6New.html";

/// A type whose basic function needs no personal information (无须个人信息), confirmed by
/// the list of the 13 such types in `E`; NEC's wording of the function was not found.
const fn no_pi(app_type: AppType) -> NecEntry {
    NecEntry { app_type, basic_function: "", items: &[], confirmation: Confirmation::Verified(&[E]) }
}

pub static NECESSARY_PI: &[NecEntry] = &[
    NecEntry {
        app_type: AppType::MapNavigation,
        basic_function: "定位和导航",
        items: &[item("位置信息、出发地、到达地", &[C::Location])],
        confirmation: Confirmation::Verified(&[A, B, SY, E]),
    },
    NecEntry {
        app_type: AppType::RideHailing,
        basic_function: "网络预约出租汽车服务、巡游出租汽车电召服务",
        items: &[
            PHONE,
            item("乘车人出发地、到达地、位置信息、行踪轨迹", &[C::Location]),
            item("支付时间、支付金额、支付渠道等支付信息（网络预约出租汽车服务）", &[C::TransactionRecords]),
        ],
        confirmation: Confirmation::Verified(&[A, B, SY, HS]),
    },
    NecEntry {
        app_type: AppType::InstantMessaging,
        basic_function: "提供文字、图片、语音、视频等网络即时通信服务",
        items: &[PHONE, item("账号信息：账号、即时通信联系人账号列表", &[C::NetworkIdentity, C::Contacts])],
        confirmation: Confirmation::Verified(&[A, B, F, E]),
    },
    NecEntry {
        app_type: AppType::OnlineCommunity,
        basic_function: "博客、论坛、社区等话题讨论、信息分享和关注互动",
        items: &[PHONE],
        confirmation: Confirmation::Verified(&[B, E]),
    },
    NecEntry {
        app_type: AppType::OnlinePayment,
        basic_function: "网络支付、提现、转账等功能",
        items: &[
            PHONE,
            item(
                "注册用户姓名、证件类型和号码、证件有效期限、银行卡号码",
                &[C::Basic, C::IdentityDocument, C::FinancialAccount],
            ),
        ],
        confirmation: Confirmation::Verified(&[B, SY, HS]),
    },
    NecEntry {
        app_type: AppType::OnlineShopping,
        basic_function: "购买商品",
        items: SHOPPING,
        confirmation: Confirmation::Verified(&[B, SY, E]),
    },
    NecEntry {
        app_type: AppType::FoodDelivery,
        basic_function: "餐饮购买及外送",
        items: SHOPPING,
        confirmation: Confirmation::Verified(&[SY, HS, DK, B, D]),
    },
    NecEntry {
        app_type: AppType::PostalExpress,
        basic_function: "信件、包裹、印刷品等物品寄递服务",
        items: &[
            item("寄件人姓名、证件类型和号码等身份信息", &[C::Basic, C::IdentityDocument]),
            item("寄件人地址、联系电话", &[C::Basic, C::Phone]),
            item("收件人姓名（名称）、地址、联系电话", &[C::Basic, C::Phone]),
            // What is sent is an order record: 交易和消费记录 (GB/T 35273 app. A), not a
            // financial account, so not PIPL-sensitive.
            item("寄递物品的名称、性质、数量", &[C::TransactionRecords]),
        ],
        confirmation: Confirmation::Verified(&[SY, D, HS, DK]),
    },
    NecEntry {
        app_type: AppType::TransportTicketing,
        basic_function: "",
        items: &[
            PHONE,
            item(
                "旅客姓名、证件类型和号码、旅客类型。旅客类型通常包括儿童、成人、学生等",
                &[C::Basic, C::IdentityDocument],
            ),
            item(
                "旅客出发地、目的地、出发时间、车次/船次/航班号、席别/舱位等级、座位号（如有）、车牌号及车牌颜色（ETC服务）",
                &[C::Location, C::TransactionRecords],
            ),
            PAYMENT,
        ],
        confirmation: Confirmation::Verified(&[HS, SY, D]),
    },
    NecEntry {
        app_type: AppType::Dating,
        basic_function: "婚恋相亲",
        items: &[PHONE, item("婚恋相亲人的性别、年龄、婚姻状况", &[C::Basic, C::Other])],
        confirmation: Confirmation::Unconfirmed(
            "basic function (shdbkk.com) and item 1 (m-huangshifb.cjyun.org) confirmed; item 2 was read only as \
             far as \"婚恋相亲人的性别、年龄、\", so \"婚姻状况\" is unconfirmed",
        ),
    },
    NecEntry {
        app_type: AppType::Recruitment,
        basic_function: "求职招聘信息交换",
        items: &[PHONE, item("求职者提供的简历", &[C::EducationWork, C::Basic])],
        confirmation: Confirmation::Verified(&[DK]),
    },
    NecEntry {
        app_type: AppType::OnlineLending,
        basic_function: "通过互联网平台实现的用于消费、日常生产经营周转等的个人申贷服务",
        items: &[
            PHONE,
            item(
                "借款人姓名、证件类型和号码、证件有效期限、银行卡号码",
                &[C::Basic, C::IdentityDocument, C::FinancialAccount],
            ),
        ],
        confirmation: Confirmation::Verified(&[DK]),
    },
    NecEntry {
        app_type: AppType::RealEstate,
        basic_function: "个人房源信息发布、房屋出租或买卖",
        items: &[PHONE, item("房源基本信息：房屋地址、面积/户型、期望售价或租金", &[C::TransactionRecords, C::Basic])],
        confirmation: Confirmation::Verified(&[DJL]),
    },
    NecEntry {
        app_type: AppType::UsedCars,
        basic_function: "二手车买卖信息交换",
        items: &[
            PHONE,
            item("购买方姓名、证件类型和号码", &[C::Basic, C::IdentityDocument]),
            item(
                "出售方姓名、证件类型和号码、车辆行驶证号、车辆识别号码",
                &[C::Basic, C::IdentityDocument, C::TransactionRecords],
            ),
        ],
        confirmation: Confirmation::Unconfirmed("basic function and all items unconfirmed"),
    },
    NecEntry {
        app_type: AppType::MedicalConsultation,
        basic_function: "在线咨询问诊、预约挂号",
        items: &[
            PHONE,
            // The hospital and department booked reveal the patient's health.
            item(
                "挂号时需提供患者姓名、证件类型和号码、预约挂号的医院和科室",
                &[C::Basic, C::IdentityDocument, C::Health],
            ),
            item("问诊时需提供病情描述", &[C::Health]),
        ],
        confirmation: Confirmation::Unconfirmed("basic function and all items unconfirmed"),
    },
    NecEntry {
        app_type: AppType::Travel,
        basic_function: "旅游服务产品信息的发布与订购",
        items: &[
            PHONE,
            item("出行人旅游目的地、旅游时间", &[C::Location]),
            item("出行人姓名、证件类型和号码、联系方式", &[C::Basic, C::IdentityDocument, C::Phone]),
        ],
        confirmation: Confirmation::Unconfirmed("basic function and all items unconfirmed"),
    },
    NecEntry {
        app_type: AppType::Hotel,
        basic_function: "酒店预订",
        items: &[PHONE, item("住宿人姓名和联系方式、入住和退房时间、入住酒店名称", &[C::Basic, C::Phone, C::Location])],
        confirmation: Confirmation::Unconfirmed("basic function and all items unconfirmed"),
    },
    NecEntry {
        app_type: AppType::OnlineGames,
        basic_function: "提供网络游戏产品和服务",
        items: &[PHONE],
        confirmation: Confirmation::Verified(&[G]),
    },
    NecEntry {
        app_type: AppType::Education,
        basic_function: "在线辅导、网络课堂等",
        items: &[PHONE],
        confirmation: Confirmation::Unconfirmed("basic function and item unconfirmed"),
    },
    NecEntry {
        app_type: AppType::LocalServices,
        basic_function: "家政维修、家居装修、二手闲置物品交易等日常生活服务",
        items: &[PHONE],
        confirmation: Confirmation::Unconfirmed("basic function and item unconfirmed"),
    },
    no_pi(AppType::WomensHealth),
    NecEntry {
        app_type: AppType::CarServices,
        basic_function: "共享单车、共享汽车、租赁汽车等服务",
        items: &[
            PHONE,
            item("使用共享汽车、租赁汽车服务用户的证件类型和号码，驾驶证件信息", &[C::IdentityDocument]),
            PAYMENT,
            item("使用共享单车、分时租赁汽车服务用户的位置信息", &[C::Location]),
        ],
        confirmation: Confirmation::Verified(&[DK]),
    },
    NecEntry {
        app_type: AppType::Investment,
        basic_function: "股票、期货、基金、债券等相关投资理财服务",
        items: &[
            PHONE,
            item("投资理财用户姓名、证件类型和号码、证件有效期限、证件影印件", &[C::Basic, C::IdentityDocument]),
            item("投资理财用户资金账户、银行卡号码或支付账号", &[C::FinancialAccount]),
        ],
        confirmation: Confirmation::Verified(&[MN]),
    },
    NecEntry {
        app_type: AppType::MobileBanking,
        basic_function: "通过手机等移动智能终端设备进行银行账户管理、信息查询、转账汇款等服务",
        items: &[
            PHONE,
            item(
                "用户姓名、证件类型和号码、证件有效期限、证件影印件、银行卡号码、银行预留移动电话号码",
                &[C::Basic, C::IdentityDocument, C::FinancialAccount, C::Phone],
            ),
            item("转账时需提供收款人姓名、银行卡号码、开户银行信息", &[C::Basic, C::FinancialAccount]),
        ],
        confirmation: Confirmation::Unconfirmed("basic function and all items unconfirmed"),
    },
    NecEntry {
        app_type: AppType::MailCloudStorage,
        basic_function: "邮箱、云盘等",
        items: &[PHONE],
        confirmation: Confirmation::Unconfirmed("basic function and item unconfirmed"),
    },
    NecEntry {
        app_type: AppType::RemoteMeeting,
        basic_function: "通过网络提供音频或视频会议",
        items: &[PHONE],
        confirmation: Confirmation::Unconfirmed("basic function and item unconfirmed"),
    },
    no_pi(AppType::LiveStreaming),
    no_pi(AppType::AudioVideo),
    no_pi(AppType::ShortVideo),
    no_pi(AppType::News),
    no_pi(AppType::Fitness),
    NecEntry {
        app_type: AppType::Browser,
        basic_function: "浏览互联网信息资源",
        items: &[],
        confirmation: Confirmation::Verified(&[E, F]),
    },
    no_pi(AppType::InputMethod),
    no_pi(AppType::SecurityManagement),
    no_pi(AppType::EBooks),
    no_pi(AppType::PhotoBeauty),
    no_pi(AppType::AppStore),
    no_pi(AppType::Utilities),
    NecEntry {
        app_type: AppType::PerformanceTicketing,
        basic_function: "",
        items: &[
            PHONE,
            // A seat for a given show is a purchase record.
            item("观演场次、座位号（如有）", &[C::TransactionRecords]),
            PAYMENT,
        ],
        confirmation: Confirmation::Unconfirmed(
            "the type's name is read as 演出票务 (not 演示办公) from secondary lists only; NEC's wording of the \
             basic function was not found and all items are unconfirmed",
        ),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_nec_order() {
        let order: Vec<AppType> = NECESSARY_PI.iter().map(|e| e.app_type).collect();
        assert_eq!(order, AppType::NEC.to_vec());
    }

    #[test]
    fn every_verified_row_names_a_source() {
        for e in NECESSARY_PI {
            if let Confirmation::Verified(sources) = e.confirmation {
                assert!(!sources.is_empty(), "{:?} is verified but names no source", e.app_type);
                assert!(sources.iter().all(|s| !s.trim().is_empty()), "{:?} has an empty source", e.app_type);
            }
        }
    }

    #[test]
    fn every_unconfirmed_row_says_what() {
        for e in NECESSARY_PI {
            if let Confirmation::Unconfirmed(note) = e.confirmation {
                assert!(!note.trim().is_empty(), "{:?} is unconfirmed without a note", e.app_type);
            }
        }
    }

    #[test]
    fn every_item_has_text_and_a_category() {
        for e in NECESSARY_PI {
            for i in e.items {
                assert!(!i.text.is_empty() && !i.categories.is_empty(), "{:?}: {:?}", e.app_type, i);
            }
        }
    }

    #[test]
    fn resume_allows_education_and_work() {
        let e = AppType::Recruitment.necessary_pi();
        assert!(e.is_some_and(|e| e.allows(C::EducationWork) && !e.allows(C::Health)));
    }
}
