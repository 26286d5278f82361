//! The 39 common app types of 常见类型移动互联网应用程序必要个人信息范围规定 (NEC) and the
//! personal information necessary for each one's basic function (`pipl-rules.md` part K).
//! CON-01 and CON-10 read this data.

mod necessary_pi;

pub use necessary_pi::NECESSARY_PI;

use crate::taxonomy::Category;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! app_types {
    ($($variant:ident = $zh:literal / $en:literal / $alias:literal,)*) => {
        /// An app type: one of the 39 of NEC, or `Other`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum AppType {
            $(
                #[doc = $en]
                #[serde(rename = $zh, alias = $alias)]
                $variant,
            )*
            /// Not one of the 39 types.
            #[serde(rename = "other", alias = "其他")]
            Other,
        }

        impl AppType {
            /// The 39 types in the order of NEC art. 5.
            pub const NEC: [AppType; 39] = [$(AppType::$variant,)*];

            /// The type's name in NEC, e.g. "网络社区".
            pub fn name_zh(self) -> &'static str {
                match self {
                    $(AppType::$variant => $zh,)*
                    AppType::Other => "其他",
                }
            }

            pub fn name_en(self) -> &'static str {
                match self {
                    $(AppType::$variant => $en,)*
                    AppType::Other => "Other",
                }
            }
        }
    };
}

app_types! {
    MapNavigation = "地图导航" / "Map and navigation" / "map-navigation",
    RideHailing = "网络约车" / "Ride hailing" / "ride-hailing",
    InstantMessaging = "即时通信" / "Instant messaging" / "instant-messaging",
    OnlineCommunity = "网络社区" / "Online community" / "online-community",
    OnlinePayment = "网络支付" / "Online payment" / "online-payment",
    OnlineShopping = "网上购物" / "Online shopping" / "online-shopping",
    FoodDelivery = "餐饮外卖" / "Food delivery" / "food-delivery",
    PostalExpress = "邮件快件寄递" / "Postal and express delivery" / "postal-express",
    TransportTicketing = "交通票务" / "Transport ticketing" / "transport-ticketing",
    Dating = "婚恋相亲" / "Dating and matchmaking" / "dating",
    Recruitment = "求职招聘" / "Job seeking and recruitment" / "recruitment",
    OnlineLending = "网络借贷" / "Online lending" / "online-lending",
    RealEstate = "房屋租售" / "Housing rental and sale" / "real-estate",
    UsedCars = "二手车交易" / "Used-car trading" / "used-cars",
    MedicalConsultation = "问诊挂号" / "Medical consultation and appointments" / "medical-consultation",
    Travel = "旅游服务" / "Travel services" / "travel",
    Hotel = "酒店服务" / "Hotel services" / "hotel",
    OnlineGames = "网络游戏" / "Online games" / "online-games",
    Education = "学习教育" / "Learning and education" / "education",
    LocalServices = "本地生活" / "Local services" / "local-services",
    WomensHealth = "女性健康" / "Women's health" / "womens-health",
    CarServices = "用车服务" / "Car sharing and rental" / "car-services",
    Investment = "投资理财" / "Investment and wealth management" / "investment",
    MobileBanking = "手机银行" / "Mobile banking" / "mobile-banking",
    MailCloudStorage = "邮箱云盘" / "Mail and cloud storage" / "mail-cloud-storage",
    RemoteMeeting = "远程会议" / "Remote meetings" / "remote-meeting",
    LiveStreaming = "网络直播" / "Live streaming" / "live-streaming",
    AudioVideo = "在线影音" / "Online audio and video" / "audio-video",
    ShortVideo = "短视频" / "Short video" / "short-video",
    News = "新闻资讯" / "News" / "news",
    Fitness = "运动健身" / "Sports and fitness" / "fitness",
    Browser = "浏览器" / "Browser" / "browser",
    InputMethod = "输入法" / "Input method" / "input-method",
    SecurityManagement = "安全管理" / "Security management" / "security-management",
    EBooks = "电子图书" / "E-books" / "e-books",
    PhotoBeauty = "拍摄美化" / "Photography and beautification" / "photo-beauty",
    AppStore = "应用商店" / "App store" / "app-store",
    Utilities = "实用工具" / "Utilities" / "utilities",
    PerformanceTicketing = "演出票务" / "Performance ticketing" / "performance-ticketing",
}

/// How sure gebao is of an entry of the NEC table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Read in the regulation's text (or a faithful full-text copy); the sources are named.
    Verified(&'static [&'static str]),
    /// Not yet confirmed against the official text: rules using it say so.
    Unconfirmed(&'static str),
}

/// One item of necessary PI, e.g. "注册用户移动电话号码", with the taxonomy categories
/// that a manifest field of this item would carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NecessaryItem {
    pub text: &'static str,
    pub categories: &'static [Category],
}

/// The NEC entry of one app type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NecEntry {
    pub app_type: AppType,
    /// The basic function (基本功能服务), as NEC words it.
    pub basic_function: &'static str,
    /// Necessary PI; empty when the basic function needs none (无须个人信息).
    pub items: &'static [NecessaryItem],
    pub confirmation: Confirmation,
}

impl NecEntry {
    /// The basic function needs no PI (CON-10).
    pub fn needs_no_pi(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether a field of this category can be necessary PI for the type (CON-01).
    pub fn allows(&self, category: Category) -> bool {
        self.items.iter().any(|i| i.categories.contains(&category))
    }
}

impl AppType {
    /// The NEC entry of this type; `None` for `Other`.
    pub fn necessary_pi(self) -> Option<&'static NecEntry> {
        NECESSARY_PI.iter().find(|e| e.app_type == self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_one_entry() {
        for t in AppType::NEC {
            assert_eq!(NECESSARY_PI.iter().filter(|e| e.app_type == t).count(), 1, "{t:?}");
        }
        assert_eq!(NECESSARY_PI.len(), 39);
    }

    #[test]
    fn thirteen_types_need_no_pi() {
        let none: Vec<_> = NECESSARY_PI.iter().filter(|e| e.needs_no_pi()).map(|e| e.app_type.name_zh()).collect();
        assert_eq!(none.len(), 13, "{none:?}");
    }
}
