<?php

/**
 * IDE / static-analysis stubs for the `convert_sdk` PHP extension.
 *
 * Describes the PHP API the extension declares (the API of the Convert Experiences PHP SDK,
 * convertcom/php-sdk). Never include or execute this file: the extension defines these classes.
 * tests/php/StubsTest.php checks it against the loaded extension both ways.
 */

namespace ConvertSdk {

    /** Static factory of SDK instances. Not instantiable. */
    final class ConvertSDK
    {
        private function __construct() {}

        /**
         * Creates an SDK instance from options (`sdkKey` or `data`, `environment`, `logger`, ...).
         *
         * @param array<string, mixed>|null $config `null` is the same as `[]`
         * @throws \ConvertSdk\Exception\InvalidArgumentException when neither `sdkKey` nor `data` is given
         * @throws \InvalidArgumentException when an option has the wrong type
         */
        public static function create(?array $config = null): \ConvertSdk\Core {}
    }

    /** An SDK instance, returned by ConvertSDK::create(). */
    final class Core implements \ConvertSdk\Interfaces\CoreInterface
    {
        /** Default config cache TTL, in seconds. */
        public const DEFAULT_DATA_REFRESH_INTERVAL = 300;

        private function __construct() {}

        /**
         * Creates a visitor context; `null` while the SDK is not ready.
         *
         * @param array<string, mixed>|null $visitorAttributes report segments and visitor properties
         * @throws \ConvertSdk\Exception\InvalidArgumentException when $visitorId is ''
         */
        public function createContext(string $visitorId, ?array $visitorAttributes = null): ?\ConvertSdk\Context {}

        /**
         * Subscribes `$fn($args, $err)` to a system event (a SystemEvents value).
         */
        public function on(string $event, callable $fn): void {}

        /** True when a valid config is installed. */
        public function isReady(): bool {}

        /** @deprecated use isReady() */
        public function onReady(): bool {}

        /** Sends the queued tracking events now. */
        public function flush(): void {}
    }

    /** A visitor context, created by Core::createContext(). Not user-constructible. */
    final class Context implements \ConvertSdk\Interfaces\ContextInterface
    {
        private function __construct() {}

        /**
         * Buckets the visitor into one experience; `null` when not eligible or unknown.
         *
         * @param \OpenAPI\Client\BucketingAttributes|array<string, mixed>|null $attributes
         */
        public function runExperience(string $experienceKey, \OpenAPI\Client\BucketingAttributes|array|null $attributes = null): ?\ConvertSdk\DTO\BucketedVariation {}

        /**
         * Buckets the visitor into every eligible experience, in config order.
         *
         * @param \OpenAPI\Client\BucketingAttributes|array<string, mixed>|null $attributes
         * @return list<\ConvertSdk\DTO\BucketedVariation>
         */
        public function runExperiences(\OpenAPI\Client\BucketingAttributes|array|null $attributes = null): array {}

        /**
         * Decides one feature; `null` only when the feature key is not declared.
         *
         * @param \OpenAPI\Client\BucketingAttributes|array<string, mixed>|null $attributes
         */
        public function runFeature(string $key, \OpenAPI\Client\BucketingAttributes|array|null $attributes = null): ?\ConvertSdk\DTO\BucketedFeature {}

        /**
         * Decides every feature: enabled ones first (experience order), then disabled ones.
         *
         * @param \OpenAPI\Client\BucketingAttributes|array<string, mixed>|null $attributes
         * @return list<\ConvertSdk\DTO\BucketedFeature>
         */
        public function runFeatures(\OpenAPI\Client\BucketingAttributes|array|null $attributes = null): array {}

        /**
         * Tracks a goal conversion: `null` accepted, `false` not matched, RuleError on missing rule data.
         */
        public function trackConversion(string $goalKey, ?\ConvertSdk\DTO\ConversionAttributes $attributes = null): \ConvertSdk\Enums\RuleError|bool|null {}

        /**
         * Stores report segments (browser, devices, source, campaign, visitor_type, country, custom_segments).
         *
         * @param array<string, mixed> $segments
         */
        public function setDefaultSegments(array $segments): void {}

        /**
         * Evaluates custom segments by key; returns the visitor's segment ids, or `null` if none was added.
         *
         * @param list<string> $segmentKeys
         * @param array{ruleData?: array<string, mixed>}|null $attributes
         * @return list<string>|null
         */
        public function runCustomSegments(array $segmentKeys, ?array $attributes = null): ?array {}

        /**
         * @deprecated use runCustomSegments()
         * @param list<string> $segmentKeys
         * @param array{ruleData?: array<string, mixed>}|null $attributes
         * @return list<string>|null
         */
        public function setCustomSegments(array $segmentKeys, ?array $attributes = null): ?array {}

        /**
         * Stores visitor properties as segments of the given visitor.
         *
         * @param array<string, mixed> $visitorProperties
         */
        public function updateVisitorProperties(string $visitorId, array $visitorProperties): void {}

        /**
         * Looks up a config entity by key; `$entityType` is an EntityType value.
         *
         * @return array<string, mixed>|null
         */
        public function getConfigEntity(string $key, string $entityType): ?array {}

        /**
         * Looks up a config entity by id; `$entityType` is an EntityType value.
         *
         * @return array<string, mixed>|null
         */
        public function getConfigEntityById(string $id, string $entityType): ?array {}

        /**
         * The visitor's stored data (bucketing, locations, segments, goals); `[]` when none.
         *
         * @return array<string, mixed>
         */
        public function getVisitorData(): array {}

        /**
         * Writes this visitor's pending changes to the store (one `set`) when the context is
         * destroyed; with `deferStoreWrites` off every changing call has already written them.
         */
        public function __destruct() {}

        /** Sends the queued tracking events now. */
        public function releaseQueues(?string $reason = null): void {}

        /** Sets one visitor property (not persisted). */
        public function setAttribute(string $key, mixed $value): void {}

        /**
         * Merges visitor properties (shallow, later wins; not persisted).
         *
         * @param array<string, mixed> $attributes
         */
        public function setAttributes(array $attributes): void {}

        /**
         * The visitor properties of this context.
         *
         * @return array<string, mixed>
         */
        public function getAttributes(): array {}

        /** The visitor id of this context. */
        public function getVisitorId(): string {}

        /**
         * Preview mode: forces one experience's variation for this context only. Other decisions are
         * computed but neither stored nor tracked; conversions and segment writes become no-ops.
         * `null` or `[]` leaves preview mode.
         *
         * @param array{experienceId: string, variationId: string}|null $preview
         */
        public function setPreview(?array $preview): void {}

        /**
         * Parses a preview parameter `"<experienceId>.<variationId>"` (digits only); `null` otherwise.
         *
         * @return array{experienceId: string, variationId: string}|null
         */
        public static function parsePreviewParam(string $param): ?array {}
    }
}

namespace ConvertSdk\Interfaces {

    /** Public API of an SDK instance. */
    interface CoreInterface
    {
        /**
         * @param array<string, mixed>|null $visitorAttributes
         * @throws \ConvertSdk\Exception\InvalidArgumentException when $visitorId is ''
         */
        public function createContext(string $visitorId, ?array $visitorAttributes = null): ?\ConvertSdk\Interfaces\ContextInterface;

        /** Subscribes `$fn($args, $err)` to a system event. */
        public function on(string $event, callable $fn): void;

        /** True when a valid config is installed. */
        public function isReady(): bool;

        /** @deprecated use isReady() */
        public function onReady(): bool;

        /** Sends the queued tracking events now. */
        public function flush(): void;
    }

    /** Public API of a visitor context. */
    interface ContextInterface
    {
        /** @param \OpenAPI\Client\BucketingAttributes|null $attributes */
        public function runExperience(string $experienceKey, ?\OpenAPI\Client\BucketingAttributes $attributes = null): ?\ConvertSdk\DTO\BucketedVariation;

        /**
         * @param \OpenAPI\Client\BucketingAttributes|null $attributes
         * @return list<\ConvertSdk\DTO\BucketedVariation>
         */
        public function runExperiences(?\OpenAPI\Client\BucketingAttributes $attributes = null): array;

        /** @param \OpenAPI\Client\BucketingAttributes|null $attributes */
        public function runFeature(string $key, ?\OpenAPI\Client\BucketingAttributes $attributes = null): ?\ConvertSdk\DTO\BucketedFeature;

        /**
         * @param \OpenAPI\Client\BucketingAttributes|null $attributes
         * @return list<\ConvertSdk\DTO\BucketedFeature>
         */
        public function runFeatures(?\OpenAPI\Client\BucketingAttributes $attributes = null): array;

        public function trackConversion(string $goalKey, ?\ConvertSdk\DTO\ConversionAttributes $attributes = null): \ConvertSdk\Enums\RuleError|bool|null;

        /** @param array<string, mixed> $segments */
        public function setDefaultSegments(array $segments): void;

        /**
         * @param list<string> $segmentKeys
         * @param array{ruleData?: array<string, mixed>}|null $attributes
         * @return list<string>|null
         */
        public function runCustomSegments(array $segmentKeys, ?array $attributes = null): ?array;

        /**
         * @deprecated use runCustomSegments()
         * @param list<string> $segmentKeys
         * @param array{ruleData?: array<string, mixed>}|null $attributes
         * @return list<string>|null
         */
        public function setCustomSegments(array $segmentKeys, ?array $attributes = null): ?array;

        /** @param array<string, mixed> $visitorProperties */
        public function updateVisitorProperties(string $visitorId, array $visitorProperties): void;

        /** @return array<string, mixed>|null */
        public function getConfigEntity(string $key, string $entityType): ?array;

        /** @return array<string, mixed>|null */
        public function getConfigEntityById(string $id, string $entityType): ?array;

        /** @return array<string, mixed> */
        public function getVisitorData(): array;

        public function releaseQueues(?string $reason = null): void;

        public function setAttribute(string $key, mixed $value): void;

        /** @param array<string, mixed> $attributes */
        public function setAttributes(array $attributes): void;

        /** @return array<string, mixed> */
        public function getAttributes(): array;

        public function getVisitorId(): string;
    }
}

namespace ConvertSdk\DTO {

    /** The variation a visitor was bucketed into (read-only). */
    final readonly class BucketedVariation
    {
        /** @param list<array<string, mixed>> $changes */
        public function __construct(
            public string $experienceId,
            public string $experienceKey,
            public string $variationId,
            public string $variationKey,
            public array $changes,
        ) {}
    }

    /** A feature decision for a visitor (read-only). */
    final readonly class BucketedFeature
    {
        /** @param array<string, mixed> $variables */
        public function __construct(
            public string $featureId,
            public string $featureKey,
            public \ConvertSdk\Enums\FeatureStatus $status,
            public array $variables,
        ) {}
    }

    /** Input of Context::trackConversion() (read-only). */
    final readonly class ConversionAttributes
    {
        /**
         * @param array<string, mixed>|null $ruleData matched against the goal rules
         * @param list<\ConvertSdk\DTO\GoalData|array{key: string, value: mixed}>|null $conversionData
         * @param array<string, mixed>|null $conversionSetting e.g. ['forceMultipleTransactions' => true]
         */
        public function __construct(
            public ?array $ruleData = null,
            public ?array $conversionData = null,
            public ?array $conversionSetting = null,
        ) {}
    }

    /** One goal data entry (amount, transaction id, ...) of a conversion (read-only). */
    final readonly class GoalData
    {
        public function __construct(
            public \ConvertSdk\Enums\GoalDataKey $key,
            public int|float|string $value,
        ) {}
    }
}

namespace OpenAPI\Client {

    /** Per-call bucketing options for Context::run*(). A plain array with the same keys is accepted too. */
    class BucketingAttributes
    {
        /** Overrides the SDK environment for this call. */
        public ?string $environment = null;
        /** @var array<string, mixed>|null matched against location and site-area rules */
        public ?array $locationProperties = null;
        /** @var array<string, mixed>|null matched against audiences (merged with the context's) */
        public ?array $visitorProperties = null;
        /** Feature variable casting; `null` means true. */
        public ?bool $typeCasting = null;
        /** @var list<string>|null runFeature(): only these experiences */
        public ?array $experienceKeys = null;
        /** Store the visitor properties with a fresh decision. */
        public ?bool $updateVisitorProperties = null;
        /** Accepted and ignored. */
        public ?string $forceVariationId = null;
        /** Accepted and ignored. */
        public ?bool $enableTracking = null;
        /** Accepted and ignored. */
        public ?bool $ignoreLocationProperties = null;

        /** @param array<string, mixed> $data property values keyed by property name */
        public function __construct(array $data = []) {}

        public function getEnvironment(): ?string {}

        public function setEnvironment(?string $environment): self {}

        /** @return array<string, mixed>|null */
        public function getLocationProperties(): ?array {}

        /** @param array<string, mixed>|null $locationProperties */
        public function setLocationProperties(?array $locationProperties): self {}

        /** @return array<string, mixed>|null */
        public function getVisitorProperties(): ?array {}

        /** @param array<string, mixed>|null $visitorProperties */
        public function setVisitorProperties(?array $visitorProperties): self {}

        public function getTypeCasting(): ?bool {}

        public function setTypeCasting(?bool $typeCasting): self {}

        /** @return list<string>|null */
        public function getExperienceKeys(): ?array {}

        /** @param list<string>|null $experienceKeys */
        public function setExperienceKeys(?array $experienceKeys): self {}

        public function getUpdateVisitorProperties(): ?bool {}

        public function setUpdateVisitorProperties(?bool $updateVisitorProperties): self {}

        public function getForceVariationId(): ?string {}

        public function setForceVariationId(?string $forceVariationId): self {}

        public function getEnableTracking(): ?bool {}

        public function setEnableTracking(?bool $enableTracking): self {}

        public function getIgnoreLocationProperties(): ?bool {}

        public function setIgnoreLocationProperties(?bool $ignoreLocationProperties): self {}
    }
}

namespace ConvertSdk\Enums {

    enum FeatureStatus: string
    {
        case Enabled = 'enabled';
        case Disabled = 'disabled';
    }

    enum GoalDataKey: string
    {
        case Amount = 'amount';
        case ProductsCount = 'productsCount';
        case TransactionId = 'transactionId';
        case CustomDimension1 = 'customDimension1';
        case CustomDimension2 = 'customDimension2';
        case CustomDimension3 = 'customDimension3';
        case CustomDimension4 = 'customDimension4';
        case CustomDimension5 = 'customDimension5';
    }

    enum ConversionSettingKey: string
    {
        case ForceMultipleTransactions = 'forceMultipleTransactions';
    }

    /** Event names accepted by Core::on(). */
    enum SystemEvents: string
    {
        case Ready = 'ready';
        case ConfigUpdated = 'config.updated';
        case ApiQueueReleased = 'api.queue.released';
        case Bucketing = 'bucketing';
        case Conversion = 'conversion';
        case Segments = 'segments';
        case LocationActivated = 'location.activated';
        case LocationDeactivated = 'location.deactivated';
        case Audiences = 'audiences';
        case DataStoreQueueReleased = 'datastore.queue.released';
    }

    enum RuleError: string
    {
        case NoDataFound = 'convert.com_no_data_found';
        case NeedMoreData = 'convert.com_need_more_data';
    }

    enum BucketingError: string
    {
        case VariationNotDecided = 'convert.com_variation_not_decided';
    }

    enum LogLevel: int
    {
        case Trace = 0;
        case Debug = 1;
        case Info = 2;
        case Warn = 3;
        case Error = 4;
        case Silent = 5;
    }

    enum LogMethod: string
    {
        case Log = 'log';
        case Trace = 'trace';
        case Debug = 'debug';
        case Info = 'info';
        case Warn = 'warn';
        case Error = 'error';
    }

    /** Entity types of Context::getConfigEntity() / getConfigEntityById(). */
    enum EntityType: string
    {
        case Audience = 'audience';
        case Location = 'location';
        case Segment = 'segment';
        case Feature = 'feature';
        case Goal = 'goal';
        case Experience = 'experience';
        case Variation = 'variation';
    }

    enum VariableTypes: string
    {
        case Boolean = 'boolean';
        case Float = 'float';
        case Json = 'json';
        case Integer = 'integer';
        case String = 'string';
    }

    enum VariationChangeType: string
    {
        case RichStructure = 'richStructure';
        case CustomCode = 'customCode';
        case DefaultCode = 'defaultCode';
        case DefaultCodeMultipage = 'defaultCodeMultipage';
        case DefaultRedirect = 'defaultRedirect';
        case FullstackFeature = 'fullStackFeature';
    }

    /** Report segment keys. */
    enum SegmentsKeys: string
    {
        case Country = 'country';
        case Browser = 'browser';
        case Devices = 'devices';
        case Source = 'source';
        case Campaign = 'campaign';
        case VisitorType = 'visitor_type';
        case CustomSegments = 'custom_segments';
    }

    enum ProjectType: string
    {
        case Web = 'web';
        case Fullstack = 'fullstack';
    }

    enum DoNotTrack: string
    {
        case Off = 'OFF';
        case EuOnly = 'EU ONLY';
        case EeaOnly = 'EEA ONLY';
        case Worldwide = 'Worldwide';
    }

    enum BrowserType: string
    {
        case Ie = 'IE';
        case Ch = 'CH';
        case Ff = 'FF';
        case Op = 'OP';
        case Sf = 'SF';
        case Edg = 'EDG';
        case Mo = 'MO';
        case Ns = 'NS';
        case Oth = 'OTH';
    }

    enum DeviceType: string
    {
        case Allph = 'ALLPH';
        case Iph = 'IPH';
        case Othph = 'OTHPH';
        case Alltab = 'ALLTAB';
        case Ipad = 'IPAD';
        case Othtab = 'OTHTAB';
        case Desk = 'DESK';
        case Othdev = 'OTHDEV';
    }

    enum SourceType: string
    {
        case Campaign = 'campaign';
        case Search = 'search';
        case Referral = 'referral';
        case Direct = 'direct';
    }

    enum VisitorType: string
    {
        case New = 'new';
        case Returning = 'returning';
    }

    /** Config entity collections. */
    final class DataEntities
    {
        public const DATA_ENTITIES = [
            'events',
            'goals',
            'audiences',
            'locations',
            'segments',
            'experiences',
            'archived_experiences',
            'experiences.variations',
            'features',
            'features.variables',
        ];

        public const DATA_ENTITIES_MAP = [
            'goal' => 'goals',
            'audience' => 'audiences',
            'location' => 'locations',
            'segment' => 'segments',
            'experience' => 'experiences',
            'variation' => 'experiences.variations',
            'feature' => 'features',
        ];
    }
}

namespace ConvertSdk\Exception {

    /** Base class of the SDK's own exceptions. */
    class ConvertException extends \RuntimeException {}

    /** Config download failed; delivered as the `ready` event error, never thrown to the caller. */
    class ConfigFetchException extends \ConvertSdk\Exception\ConvertException
    {
        /** @param int $statusCode HTTP status, or the transport error code; also the exception code */
        public function __construct(string $message, int $statusCode, string $url, ?\Throwable $previous = null) {}

        /** HTTP status (or transport error code, often 0). */
        public function getStatusCode(): int {}

        /** The configured config endpoint base (not the full URL). */
        public function getUrl(): string {}
    }

    /** The config is invalid; delivered as the `ready` event error. */
    class ConfigValidationException extends \ConvertSdk\Exception\ConvertException {}

    /** Declared for compatibility; never thrown. */
    class BucketingException extends \ConvertSdk\Exception\ConvertException {}

    /** Missing `sdkKey`/`data` in ConvertSDK::create(), or an empty visitor id. */
    class InvalidArgumentException extends \InvalidArgumentException {}
}

namespace ConvertSdk\Cache {

    /**
     * In-memory cache, per instance; the default `cache`. It has every method of PSR-16
     * `Psr\SimpleCache\CacheInterface` but does not declare that interface (a userland interface
     * that is usually not loaded when the extension starts).
     */
    final class ArrayCache
    {
        public function __construct() {}

        public function get(string $key, mixed $default = null): mixed {}

        /** An int TTL <= 0 deletes the key; `null` never expires. */
        public function set(string $key, mixed $value, \DateInterval|int|null $ttl = null): bool {}

        public function delete(string $key): bool {}

        public function clear(): bool {}

        /** @param iterable<string> $keys */
        public function getMultiple(iterable $keys, mixed $default = null): iterable {}

        /** @param iterable<string, mixed> $values */
        public function setMultiple(iterable $values, \DateInterval|int|null $ttl = null): bool {}

        /** @param iterable<string> $keys */
        public function deleteMultiple(iterable $keys): bool {}

        public function has(string $key): bool {}
    }
}
