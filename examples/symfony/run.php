<?php

/**
 * Runs the Symfony wiring of config/services.yaml outside a full application: builds the container the way
 * a kernel would, fetches the controller and renders one request for a visitor.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 CONVERT_SDK_KEY=<accountId>/<projectId> \
 *     php -d extension=convert_sdk examples/symfony/run.php [visitor-id]
 *
 * Every run is a new PHP process, like a new request: the config and the visitor's decision come back from
 * Redis, so the same visitor always gets the same button.
 */

declare(strict_types=1);

use App\Controller\CheckoutController;
use Symfony\Component\Config\FileLocator;
use Symfony\Component\DependencyInjection\ContainerBuilder;
use Symfony\Component\DependencyInjection\Loader\YamlFileLoader;

require __DIR__ . '/../autoload.php';
require_once __DIR__ . '/src/CheckoutController.php'; // Composer's App\ autoloading in a real application

$container = new ContainerBuilder();
(new YamlFileLoader($container, new FileLocator(__DIR__ . '/config')))->load('services.yaml');
$container->compile(true); // true: resolve %env()% now

$response = $container->get(CheckoutController::class)($argv[1] ?? 'visitor-42', 'https://shop.example.com/checkout');
echo $response->getContent(), "\n";
