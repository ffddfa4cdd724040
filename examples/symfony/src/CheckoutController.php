<?php

declare(strict_types=1);

namespace App\Controller;

use ConvertSdk\Enums\FeatureStatus;
use ConvertSdk\Interfaces\CoreInterface;
use OpenAPI\Client\BucketingAttributes;
use Symfony\Component\HttpFoundation\Response;

/** Renders the checkout button in the style the visitor's variation gives it (feature `checkout-button-style`). */
final class CheckoutController
{
    /** Style shown when the SDK is not ready or the visitor is in no variation. */
    private const DEFAULT_STYLE = ['color' => '#6e7781', 'label' => 'Buy', 'size' => 16];

    public function __construct(private readonly CoreInterface $convert)
    {
    }

    public function __invoke(string $visitorId, string $url): Response
    {
        $style = self::DEFAULT_STYLE;
        $feature = $this->convert->createContext($visitorId)?->runFeature(
            'checkout-button-style',
            new BucketingAttributes(['locationProperties' => ['url' => $url]]),
        );
        if ($feature?->status === FeatureStatus::Enabled) {
            $style = $feature->variables + $style;
        }
        return new Response(sprintf(
            '<button style="background:%s;font-size:%dpx">%s</button>',
            htmlspecialchars((string) $style['color']),
            (int) $style['size'],
            htmlspecialchars((string) $style['label']),
        ));
    }
}
