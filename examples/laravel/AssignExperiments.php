<?php

declare(strict_types=1);

namespace App\Http\Middleware;

use Closure;
use ConvertSdk\Interfaces\CoreInterface;
use OpenAPI\Client\BucketingAttributes;
use Symfony\Component\HttpFoundation\Cookie;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * Laravel middleware: gives every visitor a stable id (cookie), runs the project's experiences for the
 * current URL and puts the results on the request for controllers and views:
 *
 *   $request->attributes->get('convert.variations')['checkout-button']?->variationKey
 *   $request->attributes->get('convert.context')?->runFeature('checkout-button-style', ...)
 *
 * Typed against Symfony's HttpFoundation, which Illuminate\Http\Request and Response extend. Register it in
 * app/Http/Kernel.php ($middlewareGroups['web']) and bind CoreInterface in a service provider
 * (see ConvertServiceProvider.php).
 */
final class AssignExperiments
{
    public const COOKIE = 'convert_visitor';

    private const COOKIE_LIFETIME = 365 * 24 * 3600;

    public function __construct(private readonly CoreInterface $convert)
    {
    }

    public function handle(Request $request, Closure $next): Response
    {
        $visitorId = (string) $request->cookies->get(self::COOKIE, '');
        $isNewVisitor = $visitorId === '';
        if ($isNewVisitor) {
            $visitorId = bin2hex(random_bytes(8));
        }

        $context = $this->convert->createContext($visitorId);
        $variations = [];
        if ($context !== null) {
            $onThisPage = new BucketingAttributes(['locationProperties' => ['url' => $request->getUri()]]);
            foreach ($context->runExperiences($onThisPage) as $variation) {
                $variations[$variation->experienceKey] = $variation;
            }
        }
        $request->attributes->set('convert.visitor_id', $visitorId);
        $request->attributes->set('convert.context', $context);
        $request->attributes->set('convert.variations', $variations);

        $response = $next($request);
        if ($isNewVisitor) {
            $response->headers->setCookie(Cookie::create(self::COOKIE, $visitorId, time() + self::COOKIE_LIFETIME)
                ->withSecure($request->isSecure())
                ->withSameSite(Cookie::SAMESITE_LAX));
        }
        return $response;
    }
}
